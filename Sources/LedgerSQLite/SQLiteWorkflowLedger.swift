import LedgerStorage

/// The workflow ledger in SQLite (`ledger.sqlite` in the data directory).
public final class SQLiteWorkflowLedger: WorkflowLedger {
  let db: SQLiteDatabase

  /// Opens (and in read-write mode creates) the ledger at `path`.
  public init(path: String, mode: SQLiteDatabase.Mode = .readWrite) throws {
    db = try SQLiteDatabase(path: path, mode: mode)
    if mode == .readWrite {
      try db.execute(Self.schema)
      try migrate()
    } else {
      // A reader changes nothing, so it can only read the schema this build writes.
      let version = try db.withConnection { try $0.scalarInt64("PRAGMA user_version") } ?? 0
      guard version <= Self.schemaVersion else {
        throw LedgerError.newerSchema(path: path, found: version, supported: Self.schemaVersion)
      }
      guard version == Self.schemaVersion else {
        throw LedgerError.olderSchema(path: path, found: version, current: Self.schemaVersion)
      }
    }
  }

  /// The schema version this build writes (`PRAGMA user_version`).
  static let schemaVersion: Int64 = 8

  /// Checkpoints the write-ahead log into `ledger.sqlite` and truncates it.
  public func settle() throws {
    guard db.mode != .readOnly else { return }
    try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
  }

  /// Brings an older ledger up to ``schemaVersion``, one step at a time, in one transaction;
  /// refuses a ledger written by a newer build.
  private func migrate() throws {
    try db.transaction { conn in
      var version = try conn.scalarInt64("PRAGMA user_version") ?? 0
      guard version <= Self.schemaVersion else {
        throw LedgerError.newerSchema(path: db.path, found: version, supported: Self.schemaVersion)
      }
      if version < 1 { version = 1 }  // the first schema carried no version number
      if version < 2 {
        // Fingerprints of input batches (SHA-256 of the file's bytes); NULL for batches
        // registered before they were kept.
        if try !conn.hasColumn(table: "input_batches", column: "sha256") {
          try conn.execute("ALTER TABLE input_batches ADD COLUMN sha256 TEXT")
        }
        try conn.execute("CREATE INDEX IF NOT EXISTS input_batches_by_sha256 ON input_batches(sha256)")
        version = 2
      }
      if version < 3 {
        // Inputs an operator set aside (`ledgerline quarantine`).
        if try !conn.hasColumn(table: "input_batches", column: "quarantined_at") {
          try conn.execute("ALTER TABLE input_batches ADD COLUMN quarantined_at INTEGER")
        }
        version = 3
      }
      if version < 4 {
        // Partition tasks: after reduce, each partition of a job passes prefetch, process and
        // index on its own. Jobs made before carried 4 partitions (the only count ever used);
        // an unfinished one past reduce gets its partitions where the job was.
        if try !conn.hasColumn(table: "jobs", column: "partitions") {
          try conn.execute("ALTER TABLE jobs ADD COLUMN partitions INTEGER NOT NULL DEFAULT 4")
        }
        if try !conn.hasColumn(table: "stage_runs", column: "partition_no") {
          try conn.execute("ALTER TABLE stage_runs ADD COLUMN partition_no INTEGER")
        }
        try conn.execute(
          """
          CREATE TABLE IF NOT EXISTS partition_tasks(
            job INTEGER NOT NULL, partition_no INTEGER NOT NULL, stage TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER,
            last_error TEXT, last_error_kind TEXT, PRIMARY KEY(job, partition_no)) WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS partition_tasks_open ON partition_tasks(job) WHERE status != 'done';
          CREATE INDEX IF NOT EXISTS stage_runs_by_task ON stage_runs(job, stage, partition_no);
          """)
        var open: [(Int64, Int64)] = []
        try conn.query("SELECT seq, partitions FROM jobs WHERE stage != 'reduce' AND status != 'done'") {
          open.append(($0.int64(at: 0), $0.int64(at: 1)))
        }
        for (job, partitions) in open {
          for p in 0..<max(1, partitions) {
            try conn.run(
              """
              INSERT OR IGNORE INTO partition_tasks(job, partition_no, stage, status, attempts,
                next_attempt_at, last_error, last_error_kind)
              SELECT seq, ?, stage, CASE status WHEN 'running' THEN 'pending' ELSE status END, attempts,
                next_attempt_at, last_error, last_error_kind
              FROM jobs WHERE seq = ?
              """, [.integer(p), .integer(job)])
          }
        }
        version = 4
      }
      if version < 5 {
        // The process registry: who runs (or ran) an engine on this store, and which process
        // ran each stage attempt.
        if try !conn.hasColumn(table: "stage_runs", column: "process") {
          try conn.execute("ALTER TABLE stage_runs ADD COLUMN process INTEGER")
        }
        try conn.execute(Self.processesTable)
        version = 5
      }
      if version < 6 {
        // Blank lines skipped by reduce, counted per job (SPEC §2); 0 for jobs made before.
        if try !conn.hasColumn(table: "jobs", column: "blank_lines") {
          try conn.execute("ALTER TABLE jobs ADD COLUMN blank_lines INTEGER NOT NULL DEFAULT 0")
        }
        version = 6
      }
      if version < 7 {
        // Reduce by input range: each range of a job is a task of its own, with the counts of its
        // success, and each reduce attempt names its range. Every job made before had one, range
        // 0, in the state of the job's own reduce (done once the job was past it, its counts the
        // job's reduce counts), and every reduce attempt was range 0's.
        if try !conn.hasColumn(table: "stage_runs", column: "range_no") {
          try conn.execute("ALTER TABLE stage_runs ADD COLUMN range_no INTEGER")
        }
        try conn.execute(
          """
          UPDATE stage_runs SET range_no = 0 WHERE stage = 'reduce' AND range_no IS NULL;
          CREATE TABLE IF NOT EXISTS reduce_ranges(
            job INTEGER NOT NULL, range_no INTEGER NOT NULL, stage TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER,
            last_error TEXT, last_error_kind TEXT, input_bytes INTEGER NOT NULL DEFAULT 0,
            events INTEGER NOT NULL DEFAULT 0, rejects INTEGER NOT NULL DEFAULT 0,
            keys INTEGER NOT NULL DEFAULT 0, blank_lines INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(job, range_no)) WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS reduce_ranges_open ON reduce_ranges(job) WHERE status != 'done';
          INSERT OR IGNORE INTO reduce_ranges(job, range_no, stage, status, attempts, next_attempt_at,
            last_error, last_error_kind, input_bytes, events, rejects, keys, blank_lines)
          SELECT seq, 0, 'reduce',
            CASE WHEN stage != 'reduce' THEN 'done' WHEN status = 'running' THEN 'pending' ELSE status END,
            CASE WHEN stage != 'reduce' THEN 0 ELSE attempts END,
            CASE WHEN stage != 'reduce' THEN NULL ELSE next_attempt_at END,
            CASE WHEN stage != 'reduce' THEN NULL ELSE last_error END,
            CASE WHEN stage != 'reduce' THEN NULL ELSE last_error_kind END,
            CASE WHEN stage != 'reduce' THEN input_bytes ELSE 0 END,
            CASE WHEN stage != 'reduce' THEN events ELSE 0 END,
            CASE WHEN stage != 'reduce' THEN rejects ELSE 0 END,
            CASE WHEN stage != 'reduce' THEN keys ELSE 0 END,
            CASE WHEN stage != 'reduce' THEN blank_lines ELSE 0 END
          FROM jobs;
          """)
        version = 7
      }
      if version < 8 {
        // Segments of large JSON Lines inputs, fingerprinted at registration; inputs registered
        // before have none (each is read as one piece).
        try conn.execute(
          """
          CREATE TABLE IF NOT EXISTS input_segments(
            input INTEGER NOT NULL, segment_no INTEGER NOT NULL, byte_from INTEGER NOT NULL,
            byte_to INTEGER NOT NULL, first_line INTEGER NOT NULL, sha256 TEXT NOT NULL,
            PRIMARY KEY(input, segment_no)) WITHOUT ROWID;
          """)
        // A range's extent (RangeExtent): whole inputs `input_first`…`input_last`, or one
        // segment of `input`; all NULL for a range planned before extents (every input, whole).
        for column in [
          "input_first INTEGER", "input_last INTEGER", "input INTEGER", "byte_from INTEGER", "byte_to INTEGER",
          "first_line INTEGER", "sha256 TEXT",
        ] where try !conn.hasColumn(table: "reduce_ranges", column: String(column.split(separator: " ")[0])) {
          try conn.execute("ALTER TABLE reduce_ranges ADD COLUMN \(column)")
        }
        version = 8
      }
      try conn.execute("PRAGMA user_version = \(version)")
    }
  }

  static let processesTable = """
    CREATE TABLE IF NOT EXISTS processes(
      id INTEGER PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, os_user TEXT NOT NULL,
      started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL, stopped_at INTEGER, end_note TEXT);
    CREATE INDEX IF NOT EXISTS processes_running ON processes(id) WHERE stopped_at IS NULL;
    """

  static let schema = """
    CREATE TABLE IF NOT EXISTS input_batches(
      id INTEGER PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL,
      from_s INTEGER NOT NULL, to_s INTEGER NOT NULL, bytes INTEGER NOT NULL,
      archive_path TEXT NOT NULL, scan INTEGER NOT NULL, registered_at INTEGER NOT NULL,
      job INTEGER, UNIQUE(source, name));
    CREATE INDEX IF NOT EXISTS input_batches_by_job ON input_batches(job);
    CREATE TABLE IF NOT EXISTS jobs(
      seq INTEGER PRIMARY KEY, stage TEXT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, last_error TEXT,
      last_error_kind TEXT, input_bytes INTEGER NOT NULL DEFAULT 0,
      events INTEGER NOT NULL DEFAULT 0, rejects INTEGER NOT NULL DEFAULT 0,
      keys INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,
      lines_applied INTEGER NOT NULL DEFAULT 0, artifacts_written INTEGER NOT NULL DEFAULT 0,
      bytes_written INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS stage_runs(
      id INTEGER PRIMARY KEY, job INTEGER NOT NULL, stage TEXT NOT NULL, attempt INTEGER NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT, error TEXT,
      next_attempt_at INTEGER);
    CREATE INDEX IF NOT EXISTS stage_runs_by_job ON stage_runs(job);
    CREATE TABLE IF NOT EXISTS refusals(
      id INTEGER PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL, reason TEXT NOT NULL,
      path TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS compactions(
      id INTEGER PRIMARY KEY, at INTEGER NOT NULL, live_bytes INTEGER NOT NULL,
      total_before INTEGER NOT NULL, total_after INTEGER NOT NULL, deleted_parts INTEGER NOT NULL,
      rewritten_parts INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS events(
      id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, job INTEGER,
      text TEXT NOT NULL);
    """

  public func register(_ batches: [NewInputBatch], at now: Int64) throws -> [InputBatchRecord] {
    try db.transaction { conn in
      try batches.map { batch in
        try conn.run(
          """
          INSERT INTO input_batches(source, name, from_s, to_s, bytes, archive_path, scan,
            registered_at, sha256) VALUES (?,?,?,?,?,?,?,?,?)
          """,
          [
            .text(batch.source), .text(batch.name), .integer(batch.from), .integer(batch.to),
            .integer(batch.bytes), .text(batch.archivePath), .integer(batch.scan), .integer(now),
            batch.sha256.map(SQLiteValue.text) ?? .null,
          ])
        let id = conn.lastInsertRowID
        for (n, segment) in batch.segments.enumerated() {
          try conn.run(
            """
            INSERT INTO input_segments(input, segment_no, byte_from, byte_to, first_line, sha256)
            VALUES (?,?,?,?,?,?)
            """,
            [
              .integer(id), .integer(Int64(n)), .integer(segment.byteFrom), .integer(segment.byteTo),
              .integer(segment.firstLine), .text(segment.sha256),
            ])
        }
        return InputBatchRecord(id: id, batch: batch, registeredAt: now, job: nil)
      }
    }
  }

  public func storeID() throws -> String? { try SQLiteStoreStamp.read(db) }

  public func stamp(storeID id: String) throws {
    try SQLiteStoreStamp.stamp(db, id: id, piece: .ledger)
  }

  public func recordRefusal(_ refusal: RefusedFileRecord) throws {
    try db.withConnection { conn in
      try conn.run(
        "INSERT INTO refusals(source, name, reason, path, at) VALUES (?,?,?,?,?)",
        [
          .text(refusal.source), .text(refusal.name), .text(refusal.reason), .text(refusal.path),
          .integer(refusal.at),
        ])
    }
  }

  private static let batchColumns =
    "id, source, name, from_s, to_s, bytes, archive_path, scan, registered_at, job, sha256, quarantined_at"

  private static func batchRecord(_ s: SQLiteStatement) throws -> InputBatchRecord {
    InputBatchRecord(
      id: s.int64(at: 0),
      batch: NewInputBatch(
        source: try s.string(at: 1), name: try s.string(at: 2), from: s.int64(at: 3),
        to: s.int64(at: 4), bytes: s.int64(at: 5), archivePath: try s.string(at: 6),
        scan: s.int64(at: 7), sha256: s.isNull(at: 10) ? nil : try s.string(at: 10)),
      registeredAt: s.int64(at: 8), job: s.isNull(at: 9) ? nil : UInt64(s.int64(at: 9)),
      quarantinedAt: s.isNull(at: 11) ? nil : s.int64(at: 11))
  }

  private func batches(where clause: String, _ values: [SQLiteValue]) throws -> [InputBatchRecord] {
    try db.withConnection { try batches($0, where: clause, values) }
  }

  private func batches(_ conn: SQLiteConnection, where clause: String, _ values: [SQLiteValue]) throws
    -> [InputBatchRecord]
  {
    var out: [InputBatchRecord] = []
    try conn.query(
      "SELECT \(Self.batchColumns) FROM input_batches \(clause) ORDER BY id", values
    ) { out.append(try Self.batchRecord($0)) }
    guard let lo = out.first?.id, let hi = out.last?.id else { return out }
    var index: [Int64: Int] = [:]
    for (n, record) in out.enumerated() { index[record.id] = n }
    try conn.query(
      """
      SELECT input, byte_from, byte_to, first_line, sha256 FROM input_segments
      WHERE input BETWEEN ? AND ? ORDER BY input, segment_no
      """, [.integer(lo), .integer(hi)]
    ) { s in
      guard let n = index[s.int64(at: 0)] else { return }
      out[n].batch.segments.append(
        InputSegment(
          byteFrom: s.int64(at: 1), byteTo: s.int64(at: 2), firstLine: s.int64(at: 3), sha256: try s.string(at: 4)))
    }
    return out
  }

  public func inputBatches(source: String) throws -> [InputBatchRecord] {
    try batches(where: "WHERE source = ?", [.text(source)])
  }

  public func inputBatches(ids: [Int64]) throws -> [InputBatchRecord] {
    guard !ids.isEmpty else { return [] }
    let wanted = Set(ids)
    let lo = ids.min() ?? 0
    let hi = ids.max() ?? 0
    let rows = try batches(where: "WHERE id BETWEEN ? AND ?", [.integer(lo), .integer(hi)])
    let byID = Dictionary(uniqueKeysWithValues: rows.filter { wanted.contains($0.id) }.map { ($0.id, $0) })
    return ids.compactMap { byID[$0] }
  }

  public func inputBatch(sha256: String) throws -> InputBatchRecord? {
    try batches(where: "WHERE sha256 = ?", [.text(sha256)]).first
  }

  public func ungroupedInputBatches() throws -> [InputBatchRecord] {
    try batches(where: "WHERE job IS NULL AND quarantined_at IS NULL", [])
  }

  public func quarantinedInputBatches() throws -> [InputBatchRecord] {
    try batches(where: "WHERE quarantined_at IS NOT NULL", [])
  }

  public func quarantine(input: Int64, job: UInt64, at now: Int64) throws {
    try db.transaction { conn in
      var found: (stage: String, status: String)?
      try conn.query("SELECT stage, status FROM jobs WHERE seq = ?", [.integer(Int64(job))]) {
        found = (try $0.string(at: 0), try $0.string(at: 1))
      }
      guard let found else { throw LedgerError.unknownJob(job) }
      let past =
        try conn.scalarInt64(
          "SELECT COUNT(*) FROM partition_tasks WHERE job = ? AND (stage != 'prefetch' OR status = 'done')",
          [.integer(Int64(job))]) ?? 0
      guard ["failed", "retrying"].contains(found.status), ["reduce", "prefetch"].contains(found.stage), past == 0
      else {
        throw LedgerError.cannotQuarantine(
          job: job, status: found.status,
          stage: past > 0 && found.status != "done" ? "process (some partitions)" : found.stage)
      }
      try conn.run(
        "UPDATE input_batches SET job = NULL, quarantined_at = ? WHERE id = ? AND job = ?",
        [.integer(now), .integer(input), .integer(Int64(job))])
      guard conn.changes == 1 else { throw LedgerError.notAnInput(input: input, job: job) }
      try conn.run(
        """
        UPDATE jobs SET stage = 'reduce', status = 'pending', attempts = 0, next_attempt_at = NULL
        WHERE seq = ?
        """, [.integer(Int64(job))])
      try conn.run("DELETE FROM partition_tasks WHERE job = ?", [.integer(Int64(job))])
      try conn.run("DELETE FROM reduce_ranges WHERE job = ?", [.integer(Int64(job))])
      try planRanges(conn, job: Int64(job))
    }
  }

  /// Plans the reduce of `job` from its inputs as they are now (``ReducePlan``), each range a
  /// pending task.
  func planRanges(_ conn: SQLiteConnection, job: Int64) throws {
    let inputs = try batches(conn, where: "WHERE job = ?", [.integer(job)])
    for (k, extent) in ReducePlan.ranges(inputs).enumerated() {
      var values: [SQLiteValue] = Array(repeating: .null, count: 7)
      switch extent {
      case .inputs(let first, let last):
        values[0] = .integer(first)
        values[1] = .integer(last)
      case .segment(let input, let segment):
        values[2] = .integer(input)
        values[3] = .integer(segment.byteFrom)
        values[4] = .integer(segment.byteTo)
        values[5] = .integer(segment.firstLine)
        values[6] = .text(segment.sha256)
      }
      try conn.run(
        """
        INSERT INTO reduce_ranges(job, range_no, stage, status, input_first, input_last, input, byte_from,
          byte_to, first_line, sha256) VALUES (?, ?, 'reduce', 'pending', ?, ?, ?, ?, ?, ?, ?)
        """, [.integer(job), .integer(Int64(k))] + values)
    }
  }

  public func holdBack(input: Int64, at now: Int64) throws -> Bool {
    try db.withConnection { conn in
      try conn.run(
        "UPDATE input_batches SET quarantined_at = ? WHERE id = ? AND job IS NULL AND quarantined_at IS NULL",
        [.integer(now), .integer(input)])
      return conn.changes == 1
    }
  }

  public func release(input: Int64) throws -> Bool {
    try db.withConnection { conn in
      try conn.run(
        "UPDATE input_batches SET quarantined_at = NULL WHERE id = ? AND quarantined_at IS NOT NULL",
        [.integer(input)])
      return conn.changes == 1
    }
  }

  public func createJob(inputs: [Int64], partitions: Int, at now: Int64) throws -> JobRecord {
    precondition(partitions >= 1, "a job has at least one partition")
    let seq: UInt64 = try db.transaction { conn in
      let next = (try conn.scalarInt64("SELECT MAX(seq) FROM jobs") ?? 0) + 1
      try conn.run(
        "INSERT INTO jobs(seq, stage, status, created_at, partitions) VALUES (?, 'reduce', 'pending', ?, ?)",
        [.integer(next), .integer(now), .integer(Int64(partitions))])
      for id in inputs {
        try conn.run(
          "UPDATE input_batches SET job = ? WHERE id = ? AND job IS NULL AND quarantined_at IS NULL",
          [.integer(next), .integer(id)])
        guard conn.changes == 1 else {
          throw LedgerError.inputAlreadyGrouped(inputID: id)
        }
      }
      try planRanges(conn, job: next)
      return UInt64(next)
    }
    guard let job = try job(seq) else { throw LedgerError.unknownJob(seq) }
    return job
  }
}
