import LedgerDomain
import LedgerStorage

/// The key index in PostgreSQL: the tables of ``SQLiteKeyIndex`` in a store's schema (prefixed
/// `index_`, beside the ledger's), with the same semantics.
///
/// Keys and event ids are stored as their UTF-8 bytes (`bytea`): they compare, sort and stay
/// distinct by those bytes, as SQLite's BINARY collation does, whatever the database's collation,
/// and U+0000 is kept. Part names are interned in `index_parts`. `index_entry_count` holds the
/// number of entries, kept by `publish` (the only writer that adds keys), so `count()` never
/// scans.
///
/// Every method is one transaction of a few statements, never one statement per key: a publish
/// or a lookup sends its keys as arrays.
public final class PostgresKeyIndex: KeyIndex {
  let db: PGDatabase
  /// The connection lookups go through, opened on the first one: a prefetch never waits behind a
  /// publish's upsert on `db`. Both see only committed publishes, as one connection did.
  let lookups: LazyConnection

  /// Opens the index at `location`, creating its tables or migrating them to this build's version
  /// (refusing an index of a newer build). With `readOnly` (a reading command), nothing is created
  /// or migrated: a missing index, or one of another version, is refused, and the server refuses
  /// every write. Its connection carries `applicationName` (an engine's session name).
  public init(location: PostgresLocation, readOnly: Bool = false, applicationName: String = "ledgerline") throws {
    db = try PGDatabase(location, readOnly: readOnly, applicationName: applicationName)
    lookups = LazyConnection(location: location, readOnly: readOnly, applicationName: applicationName)
    let place = location.description
    try PGMigrations.open(
      db, piece: .index, steps: Self.migrations, readOnly: readOnly,
      missing: { PostgresSchemaError.missing(piece: "key index", location: place) },
      older: { PostgresSchemaError.olderIndex(location: place, found: $0, current: Self.schemaVersion) },
      newer: { PostgresSchemaError.newerIndex(location: place, found: $0, supported: Self.schemaVersion) })
  }

  /// The schema version this build writes.
  static var schemaVersion: Int64 { Int64(migrations.count) }

  static let migrations: [[String]] = [
    [
      "CREATE TABLE index_parts (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
      """
      CREATE TABLE index_entries (
        order_id BYTEA PRIMARY KEY, part_id BIGINT NOT NULL, record_offset BIGINT NOT NULL,
        record_length BIGINT NOT NULL, version BIGINT NOT NULL)
      """,
      """
      CREATE TABLE index_event_ids (
        order_id BYTEA NOT NULL, event_id BYTEA NOT NULL, PRIMARY KEY (order_id, event_id))
      """,
      "CREATE TABLE index_entry_count (id INT PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL)",
      "INSERT INTO index_entry_count VALUES (1, 0)",
      """
      CREATE TABLE index_superseded (
        source TEXT NOT NULL, part TEXT NOT NULL, bytes BIGINT NOT NULL, PRIMARY KEY (source, part))
      """,
      "CREATE INDEX index_superseded_by_part ON index_superseded (part)",
    ],
    // Room on each page for a new version of every entry: most publishes update known keys, and
    // an update that fits its page is HOT (no new primary-key entry, dead versions pruned in
    // place). 1M upserts into 1M entries took 3.4 s of server time at the default 100, 1.8 s
    // at 50 (BENCHMARKS.md, scenario 8). Pages written before this step keep their fill.
    ["ALTER TABLE index_entries SET (fillfactor = 50)"],
  ]

  public func storeID() throws -> String? { try PostgresStoreStamp.read(db, piece: .index) }

  public func stamp(storeID id: String) throws {
    try PostgresStoreStamp.stamp(db, piece: .index, id: id, as: .index)
  }

  private static let selectColumns = "p.name, e.record_offset, e.record_length, e.version"

  // MARK: KeyIndex

  public func entries(for keys: [String]) throws -> [IndexEntry?] {
    guard !keys.isEmpty else { return [] }
    let rows = try lookups.database().withSession { session in
      try session.query(
        """
        SELECT k.n, \(Self.selectColumns)
        FROM unnest($1::BYTEA[]) WITH ORDINALITY AS k(order_id, n)
        JOIN index_entries e ON e.order_id = k.order_id JOIN index_parts p ON p.id = e.part_id
        """, [.byteArrays(keys)])
    }
    var result = [IndexEntry?](repeating: nil, count: keys.count)
    for row in rows {
      let n = Int(try row.int64(0)) - 1
      result[n] = try Self.entry(keys[n], from: row, at: 1)
    }
    return result
  }

  public func entry(for key: String) throws -> IndexEntry? {
    try entries(for: [key])[0]
  }

  public func knownEventIDs(order: String, among ids: [String]) throws -> Set<ExactID> {
    guard !ids.isEmpty else { return [] }
    let rows = try lookups.database().withSession { session in
      try session.query(
        "SELECT event_id FROM index_event_ids WHERE order_id = $1 AND event_id = ANY($2::BYTEA[])",
        [.bytes(order), .byteArrays(ids)])
    }
    return Set(try rows.map { ExactID(try $0.bytes(0)) })
  }

  /// The entries of one publish that a key keeps: applied in order, an entry replaces the one
  /// before unless that one has a higher version — so the last entry of a key's highest version.
  static func survivors(_ entries: [IndexEntry]) -> [IndexEntry] {
    var position: [ExactID: Int] = [:]
    var kept: [IndexEntry] = []
    for entry in entries {
      let key = ExactID(entry.orderID)
      if let i = position[key] {
        if entry.version >= kept[i].version { kept[i] = entry }
      } else {
        position[key] = kept.count
        kept.append(entry)
      }
    }
    return kept
  }

  /// Publishes of different processes lock only the rows of their own keys (a partition's), and
  /// the shared count row last, just before the commit.
  public var admitsConcurrentPublishes: Bool { true }

  public func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID], fence: PublishFence?) throws {
    let kept = Self.survivors(entries)
    guard !kept.isEmpty || !eventIDs.isEmpty else { return }
    try db.transaction { session in
      if let fence {
        // The ledger's row of the task, shared-locked to the commit: a takeover resets it under
        // an exclusive lock, so it waits for this publish or finds it refused.
        let holds = try session.scalarInt64(
          """
          SELECT 1 FROM partition_tasks WHERE job = $1 AND partition_no = $2 AND stage = 'index'
            AND status = 'running' AND attempts = $3 FOR SHARE
          """, [.int(Int64(fence.job)), .int(Int64(fence.partition)), .int(Int64(fence.attempt))])
        guard holds != nil else {
          throw LedgerError.notRunning(job: fence.job, stage: "partition \(fence.partition) index")
        }
      }
      // Event ids first: the count row the upsert updates stays locked until the commit, and
      // publishes of other partitions wait for it.
      if !eventIDs.isEmpty {
        try session.execute(
          """
          INSERT INTO index_event_ids (order_id, event_id)
          SELECT DISTINCT * FROM unnest($1::BYTEA[], $2::BYTEA[]) ON CONFLICT DO NOTHING
          """, [.byteArrays(eventIDs.map(\.orderID)), .byteArrays(eventIDs.map(\.eventID))])
      }
      if !kept.isEmpty {
        try Self.internParts(Set(kept.map(\.location.part)), session)
        // An entry never replaces a higher version; rows inserted (not updated) add to the count.
        try session.execute(
          """
          WITH upserted AS (
            INSERT INTO index_entries (order_id, part_id, record_offset, record_length, version)
            SELECT u.order_id, p.id, u.record_offset, u.record_length, u.version
            FROM unnest($1::BYTEA[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[])
              AS u(order_id, part, record_offset, record_length, version)
            JOIN index_parts p ON p.name = u.part
            ON CONFLICT (order_id) DO UPDATE SET part_id = excluded.part_id,
              record_offset = excluded.record_offset, record_length = excluded.record_length,
              version = excluded.version
            WHERE excluded.version >= index_entries.version
            RETURNING (xmax = 0) AS inserted)
          UPDATE index_entry_count SET n = n + (SELECT count(*) FROM upserted WHERE inserted) WHERE id = 1
          """,
          [
            .byteArrays(kept.map(\.orderID)), .texts(kept.map(\.location.part)),
            .ints(kept.map(\.location.offset)), .ints(kept.map { Int64($0.location.length) }),
            .ints(kept.map { Int64(bitPattern: $0.version) }),
          ])
      }
    }
  }

  public func recordSuperseded(_ superseded: SupersededBytes) throws {
    let parts = superseded.byPart.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    try db.transaction { session in
      try session.execute("DELETE FROM index_superseded WHERE source = $1", [.text(superseded.source)])
      guard !parts.isEmpty else { return }
      try session.execute(
        "INSERT INTO index_superseded (source, part, bytes) SELECT $1, * FROM unnest($2::TEXT[], $3::BIGINT[])",
        [.text(superseded.source), .texts(parts.map(\.key)), .ints(parts.map(\.value))])
    }
  }

  public func recordedGarbage() throws -> [String: RecordedGarbage] {
    try db.withSession { session in
      var out: [String: RecordedGarbage] = [:]
      let sql = """
        SELECT part, SUM(bytes)::BIGINT, SUM(CASE WHEN source = $1 THEN 0 ELSE bytes END)::BIGINT
        FROM index_superseded GROUP BY part
        """
      for row in try session.query(sql, [.text(RecordedGarbage.measuredSource)]) {
        out[try row.text(0)] = RecordedGarbage(bytes: try row.int64(1), sinceMeasured: try row.int64(2))
      }
      return out
    }
  }

  public func recordMeasuredGarbage(_ measured: [String: Int64]) throws {
    guard !measured.isEmpty else { return }
    let parts = measured.sorted { $0.key < $1.key }
    let kept = parts.filter { $0.value > 0 }
    try db.transaction { session in
      try session.execute("DELETE FROM index_superseded WHERE part = ANY($1::TEXT[])", [.texts(parts.map(\.key))])
      guard !kept.isEmpty else { return }
      try session.execute(
        "INSERT INTO index_superseded (source, part, bytes) SELECT $1, * FROM unnest($2::TEXT[], $3::BIGINT[])",
        [.text(RecordedGarbage.measuredSource), .texts(kept.map(\.key)), .ints(kept.map(\.value))])
    }
  }

  public func forgetSuperseded(parts: [String]) throws {
    guard !parts.isEmpty else { return }
    try db.withSession { session in
      try session.execute("DELETE FROM index_superseded WHERE part = ANY($1::TEXT[])", [.texts(parts)])
    }
  }

  /// Entries fetched per round trip by `forEachEntry`.
  static let fetchSize = 10_000

  public func forEachEntry(_ body: (IndexEntry) throws -> Void) throws {
    // A cursor in one snapshot: the whole index never sits in memory at once.
    try db.readTransaction { session in
      try session.execute(
        """
        DECLARE every_entry NO SCROLL CURSOR FOR
        SELECT \(Self.selectColumns), e.order_id FROM index_entries e JOIN index_parts p ON p.id = e.part_id
        ORDER BY e.order_id
        """)
      while true {
        let rows = try session.query("FETCH FORWARD \(Self.fetchSize) FROM every_entry")
        for row in rows { try body(try Self.entry(try row.bytes(4), from: row, at: 0)) }
        if rows.count < Self.fetchSize { break }
      }
    }
  }

  public func count() throws -> Int {
    Int(try db.withSession { try $0.scalarInt64("SELECT n FROM index_entry_count WHERE id = 1") } ?? 0)
  }

  // MARK: Compaction

  /// Applies `moves` in order in one transaction; each applies only if the entry is still at
  /// `move.version` and `move.from`. Returns how many applied. The entries concerned are read
  /// and locked once, the moves applied to them in order, and the moved ones written back.
  @discardableResult
  public func relocate(_ moves: [KeyRelocation]) throws -> Int {
    guard !moves.isEmpty else { return 0 }
    return try db.transaction { session in
      let keys = Set(moves.map { ExactID($0.orderID) }).map(\.value)
      var current: [ExactID: IndexEntry] = [:]
      for row in try session.query(
        """
        SELECT \(Self.selectColumns), e.order_id FROM index_entries e JOIN index_parts p ON p.id = e.part_id
        WHERE e.order_id = ANY($1::BYTEA[]) FOR UPDATE OF e
        """, [.byteArrays(keys)])
      {
        let entry = try Self.entry(try row.bytes(4), from: row, at: 0)
        current[ExactID(entry.orderID)] = entry
      }
      var applied = 0
      var moved: [ExactID: IndexEntry] = [:]
      for move in moves {
        let key = ExactID(move.orderID)
        guard var entry = current[key], entry.version == move.version, entry.location == move.from else { continue }
        entry.location = move.to
        current[key] = entry
        moved[key] = entry
        applied += 1
      }
      guard !moved.isEmpty else { return applied }
      let entries = Array(moved.values)
      try Self.internParts(Set(entries.map(\.location.part)), session)
      try session.execute(
        """
        UPDATE index_entries e SET part_id = p.id, record_offset = u.record_offset, record_length = u.record_length
        FROM unnest($1::BYTEA[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[])
          AS u(order_id, part, record_offset, record_length)
        JOIN index_parts p ON p.name = u.part
        WHERE e.order_id = u.order_id
        """,
        [
          .byteArrays(entries.map(\.orderID)), .texts(entries.map(\.location.part)),
          .ints(entries.map(\.location.offset)), .ints(entries.map { Int64($0.location.length) }),
        ])
      return applied
    }
  }

  // MARK: Helpers

  private static func entry(_ key: String, from row: PGRow, at c: Int) throws -> IndexEntry {
    let location = ArtifactLocation(
      part: try row.text(c), offset: try row.int64(c + 1), length: Int32(clamping: try row.int64(c + 2)))
    return IndexEntry(orderID: key, location: location, version: UInt64(bitPattern: try row.int64(c + 3)))
  }

  /// Makes sure every name in `parts` has a row in `index_parts`.
  private static func internParts(_ parts: Set<String>, _ session: PGSession) throws {
    try session.execute(
      "INSERT INTO index_parts (name) SELECT unnest($1::TEXT[]) ON CONFLICT (name) DO NOTHING",
      [.texts(parts.sorted())])
  }
}

/// A piece in PostgreSQL this build cannot open.
public enum PostgresSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The index was written by a newer build (schema `found`, this build knows `supported`).
  case newerIndex(location: String, found: Int64, supported: Int64)
  /// A reader found an index of an older schema, which only a writer upgrades.
  case olderIndex(location: String, found: Int64, current: Int64)
  /// A reader found no tables of `piece` in the schema: no engine ever ran on this store.
  case missing(piece: String, location: String)

  public var description: String {
    switch self {
    case .newerIndex(let location, let found, let supported):
      "the key index \(location) has schema version \(found); this ledgerline understands up to \(supported) — upgrade ledgerline"
    case .olderIndex(let location, let found, let current):
      "the key index \(location) has schema version \(found), older than this ledgerline's \(current); a reading command does not upgrade it — run `ledgerline run --until-idle` once (it upgrades the index in place), then try again"
    case .missing(let piece, let location):
      "there is no \(piece) at \(location): no engine has run on this store — check --postgres (the URL's schema parameter names the store's schema), or start one with `ledgerline run`"
    }
  }
}
