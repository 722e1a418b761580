import LedgerDomain
import LedgerStorage
import Synchronization

/// The key index in its own SQLite file (e.g. `<data>/index.sqlite`).
///
/// `entries` maps order_id → (part, offset, length, version), WITHOUT ROWID; part names are
/// interned in `parts`; `event_ids` holds the ids of large artifacts. Insert and delete
/// triggers keep `entry_count` current, so `count()` never scans the entries; an update (a new
/// version of a known key, the common case) fires no trigger. Every method is one transaction
/// with cached statements.
public final class SQLiteKeyIndex: KeyIndex {
  /// The underlying database (the one connection that writes).
  public let database: SQLiteDatabase
  /// Read-only connections for lookups: a connection serves one caller at a time, and prefetch
  /// looks keys up from every partition at once (WAL lets readers run beside the writer, each
  /// on the last committed state). Lookups go round-robin over these and `database`.
  private let readers: [SQLiteDatabase]
  private let nextReader = Atomic<Int>(0)
  /// Checkpoints the WAL after each write, off the writer's path (`nil` when read-only).
  private let checkpointer: WALCheckpointer?

  /// Page cache of each read connection, in KiB (SQLite's default is 2,000).
  public static let readerCacheKiB = 8_192

  /// Read connections opened beside the writer by `init(path:)`.
  public static let readerCount = 3

  /// Opens (creating if needed) the index at `path` for the engine.
  /// Checkpoints the write-ahead log into `index.sqlite` and truncates it.
  public func settle() throws {
    guard database.mode != .readOnly else { return }
    try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
  }

  public init(path: String) throws {
    database = try SQLiteDatabase(path: path, mode: .readWrite)
    try database.execute(Self.schema)
    readers = try (0..<Self.readerCount).map { _ in
      let reader = try SQLiteDatabase(path: path, mode: .readOnly)
      // Room for the B-tree's interior pages at ten million keys while leaves stream through.
      try reader.execute("PRAGMA cache_size=-\(Self.readerCacheKiB)")
      return reader
    }
    let checkpointer = try WALCheckpointer(path: path)
    // The threshold SQLite's own automatic checkpoint uses; the copy happens off this thread.
    database.withConnection { $0.onWALCommit(pages: 1000) { checkpointer.request() } }
    self.checkpointer = checkpointer
  }

  /// Opens an existing index read-only, alongside a running engine (read commands).
  public init(readOnlyPath path: String) throws {
    database = try SQLiteDatabase(path: path, mode: .readOnly)
    readers = []
    checkpointer = nil
  }

  public func storeID() throws -> String? { try SQLiteStoreStamp.read(database) }

  public func stamp(storeID id: String) throws {
    try SQLiteStoreStamp.stamp(database, id: id, piece: .index)
  }

  /// Runs a WAL checkpoint now and waits for it (tests, and callers that want the WAL small).
  public func checkpoint() throws {
    try checkpointer?.checkpointNow()
  }

  /// Background checkpoints completed so far.
  public var checkpointsCompleted: Int { checkpointer?.completed ?? 0 }

  /// A connection to read with: the next one round-robin (contention only past
  /// `readerCount + 1` concurrent readers).
  private var reader: SQLiteDatabase {
    let n = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
    let slot = n % (readers.count + 1)
    return slot == readers.count ? database : readers[slot]
  }

  static let schema = """
    CREATE TABLE IF NOT EXISTS parts (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE IF NOT EXISTS entries (
      order_id TEXT PRIMARY KEY, part_id INTEGER NOT NULL, offset INTEGER NOT NULL,
      length INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS event_ids (
      order_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (order_id, event_id)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS entry_count (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS superseded (
      source TEXT NOT NULL, part TEXT NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (source, part)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS published_through (partition INTEGER PRIMARY KEY, job INTEGER NOT NULL);
    DROP TRIGGER IF EXISTS entries_insert;
    DROP TRIGGER IF EXISTS entries_update;
    DROP TRIGGER IF EXISTS entries_delete;
    DROP TABLE IF EXISTS part_stats;
    INSERT OR IGNORE INTO entry_count VALUES (1, (SELECT count(*) FROM entries));
    CREATE TRIGGER IF NOT EXISTS entries_counted_insert AFTER INSERT ON entries BEGIN
      UPDATE entry_count SET n = n + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS entries_counted_delete AFTER DELETE ON entries BEGIN
      UPDATE entry_count SET n = n - 1;
    END;
    """

  private static let selectEntry = """
    SELECT p.name, e.offset, e.length, e.version FROM entries e JOIN parts p ON p.id = e.part_id
    WHERE e.order_id = ?
    """

  private static let upsert = """
    INSERT INTO entries (order_id, part_id, offset, length, version) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(order_id) DO UPDATE SET part_id = excluded.part_id, offset = excluded.offset,
      length = excluded.length, version = excluded.version
    WHERE excluded.version >= entries.version
    """

  // MARK: KeyIndex

  public func entries(for keys: [String]) throws -> [IndexEntry?] {
    try reader.readTransaction { conn in
      let statement = try conn.cachedStatement(Self.selectEntry)
      var result: [IndexEntry?] = []
      result.reserveCapacity(keys.count)
      for key in keys {
        statement.reset()
        try statement.bind(key, at: 1)
        result.append(try statement.step() ? try Self.entry(key, from: statement) : nil)
      }
      return result
    }
  }

  public func entry(for key: String) throws -> IndexEntry? {
    try entries(for: [key])[0]
  }

  public func knownEventIDs(order: String, among ids: [String]) throws -> Set<ExactID> {
    try reader.readTransaction { conn in
      let statement = try conn.cachedStatement(
        "SELECT 1 FROM event_ids WHERE order_id = ? AND event_id = ?")
      var known: Set<ExactID> = []
      for id in ids {
        statement.reset()
        try statement.bind(order, at: 1)
        try statement.bind(id, at: 2)
        if try statement.step() { known.insert(ExactID(id)) }
      }
      return known
    }
  }

  /// `fence` is not checked: one engine opens a SQLite store (the engine lock), so no other
  /// process can have taken its task.
  public func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID], fence: PublishFence?) throws {
    try database.transaction { conn in
      var partIDs: [String: Int64] = [:]
      // A job writes a handful of parts: a short list compared by content beats hashing each name.
      var recent: [(name: String, id: Int64)] = []
      let upsert = try conn.cachedStatement(Self.upsert)
      for entry in entries {
        let partID: Int64
        if let hit = recent.first(where: { $0.name == entry.location.part }) {
          partID = hit.id
        } else {
          partID = try Self.internPart(entry.location.part, conn: conn, cache: &partIDs)
          if recent.count < 16 { recent.append((entry.location.part, partID)) }
        }
        upsert.resetKeepingBindings()  // every parameter is bound again below
        try upsert.bind(entry.orderID, at: 1)
        try upsert.bind(partID, at: 2)
        try upsert.bind(entry.location.offset, at: 3)
        try upsert.bind(Int64(entry.location.length), at: 4)
        try upsert.bind(Int64(bitPattern: entry.version), at: 5)
        try upsert.step()
      }
      try Self.record(eventIDs, conn: conn)
      try Self.recordPublished(fence, conn: conn)
    }
  }

  /// Records that the index task `fence` names published its partition's entries, inside the
  /// caller's transaction: the partition's mark moves up to the fence's job, never down.
  static func recordPublished(_ fence: PublishFence?, conn: SQLiteConnection) throws {
    guard let fence else { return }
    try conn.run(
      """
      INSERT INTO published_through (partition, job) VALUES (?, ?)
      ON CONFLICT(partition) DO UPDATE SET job = max(job, excluded.job)
      """, [.integer(Int64(fence.partition)), .integer(Int64(bitPattern: fence.job))])
  }

  /// Per partition, the newest job whose index task published here (none recorded by a store
  /// from before these marks were kept, whose index may also be opened read-only).
  public func publishedThrough() throws -> [Int: UInt64] {
    try database.withConnection { conn in
      guard try conn.scalarInt64("SELECT count(*) FROM sqlite_master WHERE name = 'published_through'") == 1 else {
        return [:]
      }
      var marks: [Int: UInt64] = [:]
      let statement = try conn.cachedStatement("SELECT partition, job FROM published_through")
      statement.reset()
      while try statement.step() {
        marks[Int(statement.int64(at: 0))] = UInt64(bitPattern: statement.int64(at: 1))
      }
      return marks
    }
  }

  /// Records `eventIDs` in `event_ids` inside the caller's transaction (idempotent).
  static func record(_ eventIDs: [ExternalEventID], conn: SQLiteConnection) throws {
    let insertID = try conn.cachedStatement("INSERT OR IGNORE INTO event_ids (order_id, event_id) VALUES (?, ?)")
    for id in eventIDs {
      insertID.reset()
      try insertID.bind(id.orderID, at: 1)
      try insertID.bind(id.eventID, at: 2)
      try insertID.step()
    }
  }

  public func recordSuperseded(_ superseded: SupersededBytes) throws {
    try database.transaction { conn in
      try conn.run("DELETE FROM superseded WHERE source = ?", [.text(superseded.source)])
      for (part, bytes) in superseded.byPart where bytes > 0 {
        try conn.run(
          "INSERT INTO superseded (source, part, bytes) VALUES (?, ?, ?)",
          [.text(superseded.source), .text(part), .integer(bytes)])
      }
    }
  }

  public func recordedGarbage() throws -> [String: RecordedGarbage] {
    try database.readTransaction { conn in
      var out: [String: RecordedGarbage] = [:]
      try conn.query(
        "SELECT part, SUM(bytes), SUM(CASE WHEN source = ? THEN 0 ELSE bytes END) FROM superseded GROUP BY part",
        [.text(RecordedGarbage.measuredSource)]
      ) { row in
        out[try row.string(at: 0)] = RecordedGarbage(bytes: row.int64(at: 1), sinceMeasured: row.int64(at: 2))
      }
      return out
    }
  }

  public func recordMeasuredGarbage(_ measured: [String: Int64]) throws {
    try database.transaction { conn in
      for (part, bytes) in measured.sorted(by: { $0.key < $1.key }) {
        try conn.run("DELETE FROM superseded WHERE part = ?", [.text(part)])
        if bytes > 0 {
          try conn.run(
            "INSERT INTO superseded (source, part, bytes) VALUES (?, ?, ?)",
            [.text(RecordedGarbage.measuredSource), .text(part), .integer(bytes)])
        }
      }
    }
  }

  public func forgetSuperseded(parts: [String]) throws {
    try database.transaction { conn in
      for part in parts { try conn.run("DELETE FROM superseded WHERE part = ?", [.text(part)]) }
    }
  }

  public func forEachEntry(_ body: (IndexEntry) throws -> Void) throws {
    try database.readTransaction { conn in
      let sql = """
        SELECT p.name, e.offset, e.length, e.version, e.order_id FROM entries e
        JOIN parts p ON p.id = e.part_id ORDER BY e.order_id
        """
      try conn.query(sql) { row in try body(try Self.entry(try row.string(at: 4), from: row)) }
    }
  }

  public func count() throws -> Int {
    let total = try database.withConnection { conn -> Int64? in
      // An index written before `entry_count` existed, opened read-only, is counted the slow way.
      if let counted = try? conn.scalarInt64("SELECT n FROM entry_count WHERE id = 1") { return counted }
      return try conn.scalarInt64("SELECT count(*) FROM entries")
    }
    return Int(total ?? 0)
  }

  // MARK: Compaction

  /// Applies `moves` in one transaction; each applies only if the entry is still at
  /// `move.version` and `move.from`. Returns how many applied.
  @discardableResult
  public func relocate(_ moves: [KeyRelocation]) throws -> Int {
    try database.transaction { conn in
      var partIDs: [String: Int64] = [:]
      var applied = 0
      let update = try conn.cachedStatement(
        """
        UPDATE entries SET part_id = ?, offset = ?, length = ?
        WHERE order_id = ? AND version = ? AND offset = ? AND length = ?
          AND part_id = (SELECT id FROM parts WHERE name = ?)
        """)
      for move in moves {
        let partID = try Self.internPart(move.to.part, conn: conn, cache: &partIDs)
        try update.run([
          .integer(partID), .integer(move.to.offset), .integer(Int64(move.to.length)),
          .text(move.orderID), .integer(Int64(bitPattern: move.version)),
          .integer(move.from.offset), .integer(Int64(move.from.length)), .text(move.from.part),
        ])
        applied += conn.changes
      }
      return applied
    }
  }

  /// Live summary bytes per known part name (0 for a part no entry points at any more). A
  /// diagnostic: it scans every entry.
  public func liveBytesByPart() throws -> [String: Int64] {
    try database.withConnection { conn in
      var result: [String: Int64] = [:]
      try conn.query(
        """
        SELECT p.name, coalesce(sum(e.length), 0) FROM parts p LEFT JOIN entries e ON e.part_id = p.id
        GROUP BY p.id
        """
      ) { row in result[try row.string(at: 0)] = row.int64(at: 1) }
      return result
    }
  }

  // MARK: Helpers

  private static func entry(_ key: String, from row: SQLiteStatement) throws -> IndexEntry {
    let location = ArtifactLocation(
      part: try row.string(at: 0), offset: row.int64(at: 1), length: Int32(clamping: row.int64(at: 2)))
    return IndexEntry(orderID: key, location: location, version: UInt64(bitPattern: row.int64(at: 3)))
  }

  private static func internPart(
    _ name: String, conn: SQLiteConnection, cache: inout [String: Int64]
  ) throws -> Int64 {
    if let id = cache[name] { return id }
    try conn.run("INSERT OR IGNORE INTO parts (name) VALUES (?)", [.text(name)])
    guard let id = try conn.scalarInt64("SELECT id FROM parts WHERE name = ?", [.text(name)]) else {
      throw SQLiteError.unexpectedNull(path: conn.path, sql: "SELECT id FROM parts WHERE name = ?", column: 0)
    }
    cache[name] = id
    return id
  }
}
