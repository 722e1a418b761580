import LedgerStorage

extension SQLiteWorkflowLedger {
  private static let jobColumns = """
    seq, stage, status, attempts, next_attempt_at, last_error, last_error_kind, input_bytes,
    events, rejects, keys, duplicates, lines_applied, artifacts_written, bytes_written, created_at
    """

  private static func jobRecord(_ s: SQLiteStatement) throws -> JobRecord {
    let stageText = try s.string(at: 1)
    let statusText = try s.string(at: 2)
    guard let stage = Stage(rawValue: stageText) else {
      throw LedgerError.badValue(column: "jobs.stage", value: stageText)
    }
    guard let status = JobStatus(rawValue: statusText) else {
      throw LedgerError.badValue(column: "jobs.status", value: statusText)
    }
    var counts = JobCounts()
    counts.inputBytes = s.int64(at: 7)
    counts.events = s.int64(at: 8)
    counts.rejects = s.int64(at: 9)
    counts.keys = s.int64(at: 10)
    counts.duplicates = s.int64(at: 11)
    counts.linesApplied = s.int64(at: 12)
    counts.artifactsWritten = s.int64(at: 13)
    counts.bytesWritten = s.int64(at: 14)
    return JobRecord(
      seq: UInt64(s.int64(at: 0)), inputs: [], stage: stage, status: status,
      attempts: s.int(at: 3), nextAttemptAt: s.isNull(at: 4) ? nil : s.int64(at: 4),
      lastError: s.optionalString(at: 5),
      lastErrorKind: s.optionalString(at: 6).flatMap(FailureKind.init(rawValue:)),
      counts: counts, timings: [:], createdAt: s.int64(at: 15))
  }

  /// Jobs matching `clause`, with their inputs and stage timings filled in.
  private func jobs(where clause: String, _ values: [SQLiteValue]) throws -> [JobRecord] {
    try db.withConnection { conn in
      var jobs: [JobRecord] = []
      try conn.query("SELECT \(Self.jobColumns) FROM jobs \(clause)", values) {
        jobs.append(try Self.jobRecord($0))
      }
      guard let lo = jobs.map(\.seq).min(), let hi = jobs.map(\.seq).max() else { return jobs }
      var index: [UInt64: Int] = [:]
      for (i, job) in jobs.enumerated() { index[job.seq] = i }
      try conn.query(
        "SELECT job, id FROM input_batches WHERE job BETWEEN ? AND ? ORDER BY id",
        [.integer(Int64(lo)), .integer(Int64(hi))]
      ) { s in
        if let i = index[UInt64(s.int64(at: 0))] { jobs[i].inputs.append(s.int64(at: 1)) }
      }
      try conn.query(
        """
        SELECT job, stage, MIN(started_at), MAX(ended_at), COUNT(*),
          SUM(CASE WHEN ended_at IS NOT NULL THEN ended_at - started_at END) FROM stage_runs
        WHERE job BETWEEN ? AND ? GROUP BY job, stage
        """,
        [.integer(Int64(lo)), .integer(Int64(hi))]
      ) { s in
        guard let i = index[UInt64(s.int64(at: 0))], let stage = Stage(rawValue: try s.string(at: 1))
        else { return }
        jobs[i].totalAttempts += s.int(at: 4)
        jobs[i].timings[stage] = StageTiming(
          startedAt: s.isNull(at: 2) ? nil : s.int64(at: 2),
          endedAt: s.isNull(at: 3) ? nil : s.int64(at: 3), workingMillis: s.isNull(at: 5) ? nil : s.int64(at: 5))
      }
      return jobs
    }
  }

  public func job(_ seq: UInt64) throws -> JobRecord? {
    try jobs(where: "WHERE seq = ?", [.integer(Int64(seq))]).first
  }

  public func unfinishedJobs() throws -> [JobRecord] {
    try jobs(where: "WHERE status != 'done' ORDER BY seq", [])
  }

  public func recentJobs(limit: Int) throws -> [JobRecord] {
    let maxSeq = try db.withConnection { try $0.scalarInt64("SELECT MAX(seq) FROM jobs") } ?? 0
    return try jobs(
      where: "WHERE seq > ? ORDER BY seq", [.integer(max(0, maxSeq - Int64(limit)))])
  }

  public func beginStage(_ stage: Stage, job: UInt64, at now: Int64) throws -> Int {
    try db.transaction { conn in
      guard
        let attempts = try conn.scalarInt64(
          "SELECT attempts FROM jobs WHERE seq = ?", [.integer(Int64(job))])
      else { throw LedgerError.unknownJob(job) }
      let attempt = attempts + 1
      try conn.run(
        """
        UPDATE jobs SET stage = ?, status = 'running', attempts = ?, next_attempt_at = NULL
        WHERE seq = ?
        """, [.text(stage.rawValue), .integer(attempt), .integer(Int64(job))])
      try conn.run(
        "INSERT INTO stage_runs(job, stage, attempt, started_at) VALUES (?,?,?,?)",
        [.integer(Int64(job)), .text(stage.rawValue), .integer(attempt), .integer(now)])
      return Int(attempt)
    }
  }

  public func completeStage(_ stage: Stage, job: UInt64, counts: JobCounts, at now: Int64) throws {
    try db.transaction { conn in
      let (nextStage, status) = stage.next.map { ($0, "pending") } ?? (stage, "done")
      try conn.run(
        """
        UPDATE jobs SET stage = ?, status = ?, attempts = 0, next_attempt_at = NULL,
          last_error = NULL, last_error_kind = NULL
        WHERE seq = ? AND stage = ? AND status = 'running'
        """, [.text(nextStage.rawValue), .text(status), .integer(Int64(job)), .text(stage.rawValue)])
      guard conn.changes == 1 else { throw LedgerError.notRunning(job: job, stage: stage.rawValue) }
      try endRun(conn, job: job, stage: stage, outcome: "ok", error: nil, next: nil, now: now)
      try mergeCounts(conn, job: job, counts: counts)
    }
  }

  private func mergeCounts(_ conn: SQLiteConnection, job: UInt64, counts: JobCounts) throws {
    let fields: [(String, Int64)] = [
      ("input_bytes", counts.inputBytes), ("events", counts.events), ("rejects", counts.rejects),
      ("keys", counts.keys), ("duplicates", counts.duplicates),
      ("lines_applied", counts.linesApplied), ("artifacts_written", counts.artifactsWritten),
      ("bytes_written", counts.bytesWritten),
    ]
    for (column, value) in fields where value != 0 {
      try conn.run(
        "UPDATE jobs SET \(column) = ? WHERE seq = ?", [.integer(value), .integer(Int64(job))])
    }
  }

  private func endRun(
    _ conn: SQLiteConnection, job: UInt64, stage: Stage, outcome: String, error: String?,
    next: Int64?, now: Int64
  ) throws {
    try conn.run(
      """
      UPDATE stage_runs SET ended_at = ?, outcome = ?, error = ?, next_attempt_at = ?
      WHERE id = (SELECT MAX(id) FROM stage_runs WHERE job = ? AND stage = ?)
      """,
      [
        .integer(now), .text(outcome), error.map(SQLiteValue.text) ?? .null,
        next.map(SQLiteValue.integer) ?? .null, .integer(Int64(job)), .text(stage.rawValue),
      ])
  }

  public func failStage(
    _ stage: Stage, job: UInt64, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64
  ) throws {
    try db.transaction { conn in
      try conn.run(
        """
        UPDATE jobs SET status = ?, next_attempt_at = ?, last_error = ?, last_error_kind = ?
        WHERE seq = ? AND stage = ? AND status = 'running'
        """,
        [
          .text(nextAttemptAt == nil ? "failed" : "retrying"),
          nextAttemptAt.map(SQLiteValue.integer) ?? .null, .text(message), .text(kind.rawValue),
          .integer(Int64(job)), .text(stage.rawValue),
        ])
      guard conn.changes == 1 else { throw LedgerError.notRunning(job: job, stage: stage.rawValue) }
      try endRun(
        conn, job: job, stage: stage, outcome: kind.rawValue, error: message, next: nextAttemptAt,
        now: now)
    }
  }

  public func retry(job: UInt64, at now: Int64) throws -> Bool {
    try db.transaction { conn in
      try conn.run(
        """
        UPDATE jobs SET status = 'pending', attempts = 0, next_attempt_at = NULL
        WHERE seq = ? AND status IN ('failed', 'retrying')
        """, [.integer(Int64(job))])
      return conn.changes == 1
    }
  }

  public func resetInterruptedStages(at now: Int64) throws {
    try db.transaction { conn in
      try conn.run(
        """
        UPDATE stage_runs SET ended_at = ?, outcome = 'interrupted',
          error = 'the engine stopped during this attempt'
        WHERE ended_at IS NULL
        """, [.integer(now)])
      try conn.run("UPDATE jobs SET status = 'pending' WHERE status = 'running'")
    }
  }

  public func rewind(job: UInt64, to stage: Stage) throws {
    try db.withConnection { conn in
      try conn.run(
        "UPDATE jobs SET stage = ?, status = 'pending', attempts = 0 WHERE seq = ?",
        [.text(stage.rawValue), .integer(Int64(job))])
    }
  }
}
