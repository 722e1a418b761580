import LedgerStorage

/// The workflow ledger in PostgreSQL: the tables of ``SQLiteWorkflowLedger`` in a store's schema,
/// with the same semantics (the contract tests run the same assertions against both).
///
/// Every task transition reads its row with `SELECT … FOR UPDATE` inside the transaction — a
/// partition's after its job's row, always in that order — applies ``TaskState/applying(_:)``,
/// writes the row and refreshes the job's aggregate, so two processes moving tasks of one job
/// serialise on that job and never write an aggregate from a stale view. Numbers that the
/// contract fixes without gaps (input ids, job sequence numbers: a refused registration or job
/// consumes none) are taken as `MAX + 1` under an advisory lock of the store's schema.
///
/// Strings that may hold anything (error messages, event texts, refusal reasons) are stored as
/// UTF-8 `bytea`: a PostgreSQL `text` cannot hold U+0000, which SQLite keeps.
public final class PostgresWorkflowLedger: WorkflowLedger {
  let db: PGDatabase
  /// Sections of work one process at a time does for the store (``exclusively(_:wait:_:)``).
  let sections: PostgresSections
  /// The connection heartbeats go through, opened on the first beat: a beat never waits behind a
  /// transition of this process that waits for a lock (a stalled peer's, up to the lock timeout),
  /// so the other engines do not take this one for gone meanwhile.
  let beats: LazyConnection

  /// Opens the ledger at `location`, creating its tables or migrating them to this build's
  /// version (refusing a ledger of a newer build). With `readOnly` (a reading command), nothing is
  /// created or migrated: a missing ledger, or one of another version, is refused, and the server
  /// refuses every write. Its connections carry `applicationName` (an engine's session name, so
  /// that the engines of a fleet can end the sessions of one they presumed gone).
  public init(location: PostgresLocation, readOnly: Bool = false, applicationName: String = "ledgerline") throws {
    db = try PGDatabase(location, readOnly: readOnly, applicationName: applicationName)
    sections = PostgresSections(location: location, applicationName: applicationName)
    beats = LazyConnection(location: location, readOnly: readOnly, applicationName: applicationName)
    let place = location.description
    try PGMigrations.open(
      db, piece: .ledger, steps: Self.migrations, readOnly: readOnly,
      missing: { PostgresSchemaError.missing(piece: "workflow ledger", location: place) },
      older: { LedgerError.olderSchema(path: place, found: $0, current: Self.schemaVersion) },
      newer: { LedgerError.newerSchema(path: place, found: $0, supported: Self.schemaVersion) })
  }

  /// The schema version this build writes.
  static var schemaVersion: Int64 { Int64(migrations.count) }

  /// Version `n + 1` is reached by step `n`.
  static let migrations: [[String]] = [
    [
      """
      CREATE TABLE input_batches (
        id BIGINT PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL,
        from_s BIGINT NOT NULL, to_s BIGINT NOT NULL, bytes BIGINT NOT NULL,
        archive_path TEXT NOT NULL, scan BIGINT NOT NULL, registered_at BIGINT NOT NULL,
        job BIGINT, sha256 TEXT, quarantined_at BIGINT, UNIQUE (source, name))
      """,
      "CREATE INDEX input_batches_by_job ON input_batches (job)",
      "CREATE INDEX input_batches_by_sha256 ON input_batches (sha256)",
      """
      CREATE TABLE jobs (
        seq BIGINT PRIMARY KEY, stage TEXT NOT NULL, status TEXT NOT NULL,
        attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT, last_error BYTEA,
        last_error_kind TEXT, input_bytes BIGINT NOT NULL DEFAULT 0,
        events BIGINT NOT NULL DEFAULT 0, rejects BIGINT NOT NULL DEFAULT 0,
        keys BIGINT NOT NULL DEFAULT 0, duplicates BIGINT NOT NULL DEFAULT 0,
        lines_applied BIGINT NOT NULL DEFAULT 0, artifacts_written BIGINT NOT NULL DEFAULT 0,
        bytes_written BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,
        partitions BIGINT NOT NULL)
      """,
      "CREATE INDEX jobs_open ON jobs (seq) WHERE status <> 'done'",
      """
      CREATE TABLE partition_tasks (
        job BIGINT NOT NULL, partition_no BIGINT NOT NULL, stage TEXT NOT NULL,
        status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT,
        last_error BYTEA, last_error_kind TEXT, PRIMARY KEY (job, partition_no))
      """,
      "CREATE INDEX partition_tasks_open ON partition_tasks (job) WHERE status <> 'done'",
      """
      CREATE TABLE stage_runs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job BIGINT NOT NULL, stage TEXT NOT NULL,
        partition_no BIGINT, attempt BIGINT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT,
        outcome TEXT, error BYTEA, next_attempt_at BIGINT)
      """,
      "CREATE INDEX stage_runs_by_task ON stage_runs (job, stage, partition_no)",
      """
      CREATE TABLE refusals (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL,
        reason BYTEA NOT NULL, path TEXT NOT NULL, at BIGINT NOT NULL)
      """,
      """
      CREATE TABLE compactions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at BIGINT NOT NULL,
        live_bytes BIGINT NOT NULL, total_before BIGINT NOT NULL, total_after BIGINT NOT NULL,
        deleted_parts BIGINT NOT NULL, rewritten_parts BIGINT NOT NULL)
      """,
      """
      CREATE TABLE events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL,
        job BIGINT, text BYTEA NOT NULL)
      """,
    ],
    // 2: the process registry, and which process ran each stage attempt.
    [
      """
      CREATE TABLE processes (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, host BYTEA NOT NULL, pid BIGINT NOT NULL,
        os_user BYTEA NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL, stopped_at BIGINT,
        end_note BYTEA)
      """,
      "CREATE INDEX processes_running ON processes (id) WHERE stopped_at IS NULL",
      "ALTER TABLE stage_runs ADD COLUMN process BIGINT",
    ],
    // 3: blank lines skipped by reduce, counted per job (SPEC §2); 0 for jobs made before.
    ["ALTER TABLE jobs ADD COLUMN blank_lines BIGINT NOT NULL DEFAULT 0"],
    // 4: reduce by input range, each range a task of its own with the counts of its success, and
    // each reduce attempt naming its range. Every job made before had one, range 0, in the state
    // of the job's own reduce (done once the job was past it, its counts the job's reduce
    // counts), and every reduce attempt was range 0's.
    [
      "ALTER TABLE stage_runs ADD COLUMN range_no BIGINT",
      "UPDATE stage_runs SET range_no = 0 WHERE stage = 'reduce'",
      """
      CREATE TABLE reduce_ranges (
        job BIGINT NOT NULL, range_no BIGINT NOT NULL, stage TEXT NOT NULL,
        status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT,
        last_error BYTEA, last_error_kind TEXT, input_bytes BIGINT NOT NULL DEFAULT 0,
        events BIGINT NOT NULL DEFAULT 0, rejects BIGINT NOT NULL DEFAULT 0, keys BIGINT NOT NULL DEFAULT 0,
        blank_lines BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (job, range_no))
      """,
      "CREATE INDEX reduce_ranges_open ON reduce_ranges (job) WHERE status <> 'done'",
      """
      INSERT INTO reduce_ranges (job, range_no, stage, status, attempts, next_attempt_at, last_error,
        last_error_kind, input_bytes, events, rejects, keys, blank_lines)
      SELECT seq, 0, 'reduce', CASE WHEN stage <> 'reduce' THEN 'done' ELSE status END,
        CASE WHEN stage <> 'reduce' THEN 0 ELSE attempts END,
        CASE WHEN stage <> 'reduce' THEN NULL ELSE next_attempt_at END,
        CASE WHEN stage <> 'reduce' THEN NULL ELSE last_error END,
        CASE WHEN stage <> 'reduce' THEN NULL ELSE last_error_kind END,
        CASE WHEN stage <> 'reduce' THEN input_bytes ELSE 0 END,
        CASE WHEN stage <> 'reduce' THEN events ELSE 0 END,
        CASE WHEN stage <> 'reduce' THEN rejects ELSE 0 END,
        CASE WHEN stage <> 'reduce' THEN keys ELSE 0 END,
        CASE WHEN stage <> 'reduce' THEN blank_lines ELSE 0 END
      FROM jobs
      """,
    ],
    // 5: segments of large JSON Lines inputs, fingerprinted at registration; inputs registered
    // before have none (each is read as one piece).
    [
      """
      CREATE TABLE input_segments (
        input BIGINT NOT NULL, segment_no BIGINT NOT NULL, byte_from BIGINT NOT NULL, byte_to BIGINT NOT NULL,
        first_line BIGINT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (input, segment_no))
      """,
      // A range's extent (RangeExtent): whole inputs `input_first`…`input_last`, or one segment
      // of `input`; all NULL for a range planned before extents (every input, whole).
      """
      ALTER TABLE reduce_ranges ADD COLUMN input_first BIGINT, ADD COLUMN input_last BIGINT,
        ADD COLUMN input BIGINT, ADD COLUMN byte_from BIGINT, ADD COLUMN byte_to BIGINT,
        ADD COLUMN first_line BIGINT, ADD COLUMN sha256 TEXT
      """,
    ],
  ]

  /// Serialises the writers of gap-free numbers (`purpose`: "inputs", "jobs") across processes,
  /// until the transaction ends.
  func lockNumbering(_ session: PGSession, _ purpose: String) throws {
    try session.execute(
      "SELECT pg_advisory_xact_lock($1)", [.int(PGMigrations.advisoryKey(purpose, schema: db.location.schema))])
  }

  /// Any number of engines, on any number of hosts, share a PostgreSQL store.
  public var admitsSeveralEngines: Bool { true }

  public func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T? {
    try sections.exclusively(section, wait: wait, body)
  }

  public func storeID() throws -> String? { try PostgresStoreStamp.read(db, piece: .ledger) }

  public func stamp(storeID id: String) throws {
    try PostgresStoreStamp.stamp(db, piece: .ledger, id: id, as: .ledger)
  }

  public func register(_ batches: [NewInputBatch], at now: Int64) throws -> [InputBatchRecord] {
    guard !batches.isEmpty else { return [] }
    return try db.transaction { session in
      try lockNumbering(session, "inputs")
      let first = (try session.scalarInt64("SELECT MAX(id) FROM input_batches") ?? 0) + 1
      var records: [InputBatchRecord] = []
      for (n, batch) in batches.enumerated() {
        let id = first + Int64(n)
        try session.execute(
          """
          INSERT INTO input_batches (id, source, name, from_s, to_s, bytes, archive_path, scan,
            registered_at, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
          """,
          [
            .int(id), .text(batch.source), .text(batch.name), .int(batch.from), .int(batch.to), .int(batch.bytes),
            .text(batch.archivePath), .int(batch.scan), .int(now), .text(batch.sha256),
          ])
        for (k, segment) in batch.segments.enumerated() {
          try session.execute(
            """
            INSERT INTO input_segments (input, segment_no, byte_from, byte_to, first_line, sha256)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
              .int(id), .int(Int64(k)), .int(segment.byteFrom), .int(segment.byteTo), .int(segment.firstLine),
              .text(segment.sha256),
            ])
        }
        records.append(InputBatchRecord(id: id, batch: batch, registeredAt: now, job: nil))
      }
      return records
    }
  }

  public func recordRefusal(_ refusal: RefusedFileRecord) throws {
    try db.withSession { session in
      try session.execute(
        "INSERT INTO refusals (source, name, reason, path, at) VALUES ($1, $2, $3, $4, $5)",
        [
          .text(refusal.source), .text(refusal.name), .bytes(refusal.reason), .text(refusal.path),
          .int(refusal.at),
        ])
    }
  }

  private static let batchColumns =
    "id, source, name, from_s, to_s, bytes, archive_path, scan, registered_at, job, sha256, quarantined_at"

  private static func batchRecord(_ r: PGRow) throws -> InputBatchRecord {
    InputBatchRecord(
      id: try r.int64(0),
      batch: NewInputBatch(
        source: try r.text(1), name: try r.text(2), from: try r.int64(3), to: try r.int64(4), bytes: try r.int64(5),
        archivePath: try r.text(6), scan: try r.int64(7), sha256: try r.optionalText(10)),
      registeredAt: try r.int64(8), job: try r.optionalInt64(9).map { UInt64($0) },
      quarantinedAt: try r.optionalInt64(11))
  }

  private func batches(where clause: String, _ values: [PGValue]) throws -> [InputBatchRecord] {
    try db.withSession { try batches($0, where: clause, values) }
  }

  private func batches(_ session: PGSession, where clause: String, _ values: [PGValue]) throws
    -> [InputBatchRecord]
  {
    var out = try session.query("SELECT \(Self.batchColumns) FROM input_batches \(clause) ORDER BY id", values)
      .map(Self.batchRecord)
    guard !out.isEmpty else { return out }
    var index: [Int64: Int] = [:]
    for (n, record) in out.enumerated() { index[record.id] = n }
    for r in try session.query(
      """
      SELECT input, byte_from, byte_to, first_line, sha256 FROM input_segments
      WHERE input = ANY($1) ORDER BY input, segment_no
      """, [.ints(out.map(\.id))])
    {
      guard let n = index[try r.int64(0)] else { continue }
      out[n].batch.segments.append(
        InputSegment(
          byteFrom: try r.int64(1), byteTo: try r.int64(2), firstLine: try r.int64(3), sha256: try r.text(4)))
    }
    return out
  }

  public func inputBatches(source: String) throws -> [InputBatchRecord] {
    try batches(where: "WHERE source = $1", [.text(source)])
  }

  public func inputBatches(ids: [Int64]) throws -> [InputBatchRecord] {
    guard !ids.isEmpty else { return [] }
    let rows = try batches(where: "WHERE id = ANY($1)", [.ints(Array(Set(ids)))])
    let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
    return ids.compactMap { byID[$0] }
  }

  public func inputBatch(sha256: String) throws -> InputBatchRecord? {
    try batches(where: "WHERE sha256 = $1", [.text(sha256)]).first
  }

  public func ungroupedInputBatches() throws -> [InputBatchRecord] {
    try batches(where: "WHERE job IS NULL AND quarantined_at IS NULL", [])
  }

  public func quarantinedInputBatches() throws -> [InputBatchRecord] {
    try batches(where: "WHERE quarantined_at IS NOT NULL", [])
  }

  public func quarantine(input: Int64, job: UInt64, at now: Int64) throws {
    try db.transaction { session in
      guard
        let found = try session.query("SELECT stage, status FROM jobs WHERE seq = $1 FOR UPDATE", [.int(Int64(job))])
          .first
      else { throw LedgerError.unknownJob(job) }
      let stage = try found.text(0)
      let status = try found.text(1)
      let past =
        try session.scalarInt64(
          "SELECT COUNT(*) FROM partition_tasks WHERE job = $1 AND (stage <> 'prefetch' OR status = 'done')",
          [.int(Int64(job))]) ?? 0
      guard ["failed", "retrying"].contains(status), ["reduce", "prefetch"].contains(stage), past == 0 else {
        throw LedgerError.cannotQuarantine(
          job: job, status: status, stage: past > 0 && status != "done" ? "process (some partitions)" : stage)
      }
      let changed = try session.execute(
        "UPDATE input_batches SET job = NULL, quarantined_at = $1 WHERE id = $2 AND job = $3",
        [.int(now), .int(input), .int(Int64(job))])
      guard changed == 1 else { throw LedgerError.notAnInput(input: input, job: job) }
      try session.execute(
        "UPDATE jobs SET stage = 'reduce', status = 'pending', attempts = 0, next_attempt_at = NULL WHERE seq = $1",
        [.int(Int64(job))])
      try session.execute("DELETE FROM partition_tasks WHERE job = $1", [.int(Int64(job))])
      try session.execute("DELETE FROM reduce_ranges WHERE job = $1", [.int(Int64(job))])
      try planRanges(session, job: Int64(job))
    }
  }

  /// Plans the reduce of `job` from its inputs as they are now (``ReducePlan``), each range a
  /// pending task.
  func planRanges(_ session: PGSession, job: Int64) throws {
    let inputs = try batches(session, where: "WHERE job = $1", [.int(job)])
    for (k, extent) in ReducePlan.ranges(inputs).enumerated() {
      var values: [PGValue] = Array(repeating: .null, count: 7)
      switch extent {
      case .inputs(let first, let last):
        values[0] = .int(first)
        values[1] = .int(last)
      case .segment(let input, let segment):
        values[2] = .int(input)
        values[3] = .int(segment.byteFrom)
        values[4] = .int(segment.byteTo)
        values[5] = .int(segment.firstLine)
        values[6] = .text(segment.sha256)
      }
      try session.execute(
        """
        INSERT INTO reduce_ranges (job, range_no, stage, status, input_first, input_last, input, byte_from,
          byte_to, first_line, sha256) VALUES ($1, $2, 'reduce', 'pending', $3, $4, $5, $6, $7, $8, $9)
        """, [.int(job), .int(Int64(k))] + values)
    }
  }

  public func holdBack(input: Int64, at now: Int64) throws -> Bool {
    try db.withSession { session in
      try session.execute(
        "UPDATE input_batches SET quarantined_at = $1 WHERE id = $2 AND job IS NULL AND quarantined_at IS NULL",
        [.int(now), .int(input)]) == 1
    }
  }

  public func release(input: Int64) throws -> Bool {
    try db.withSession { session in
      try session.execute(
        "UPDATE input_batches SET quarantined_at = NULL WHERE id = $1 AND quarantined_at IS NOT NULL",
        [.int(input)]) == 1
    }
  }

  public func createJob(inputs: [Int64], partitions: Int, at now: Int64) throws -> JobRecord {
    precondition(partitions >= 1, "a job has at least one partition")
    let seq: UInt64 = try db.transaction { session in
      try lockNumbering(session, "jobs")
      let next = (try session.scalarInt64("SELECT MAX(seq) FROM jobs") ?? 0) + 1
      try session.execute(
        "INSERT INTO jobs (seq, stage, status, created_at, partitions) VALUES ($1, 'reduce', 'pending', $2, $3)",
        [.int(next), .int(now), .int(Int64(partitions))])
      for id in inputs {
        let changed = try session.execute(
          "UPDATE input_batches SET job = $1 WHERE id = $2 AND job IS NULL AND quarantined_at IS NULL",
          [.int(next), .int(id)])
        guard changed == 1 else { throw LedgerError.inputAlreadyGrouped(inputID: id) }
      }
      try planRanges(session, job: next)
      return UInt64(next)
    }
    guard let job = try job(seq) else { throw LedgerError.unknownJob(seq) }
    return job
  }
}
