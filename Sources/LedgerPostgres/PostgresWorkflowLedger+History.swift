import LedgerStorage

extension PostgresWorkflowLedger {
  public func stageRuns(job: UInt64) throws -> [StageRunRecord] {
    try stageRuns(jobs: [job])[job] ?? []
  }

  public func stageRuns(jobs: [UInt64]) throws -> [UInt64: [StageRunRecord]] {
    guard !jobs.isEmpty else { return [:] }
    return try db.withSession { session in
      var runs: [UInt64: [StageRunRecord]] = [:]
      for r in try session.query(
        """
        SELECT stage, attempt, started_at, ended_at, outcome, error, next_attempt_at, partition_no, process, job,
          range_no
        FROM stage_runs WHERE job = ANY($1::BIGINT[]) ORDER BY job, id
        """, [.ints(jobs.map { Int64($0) })])
      {
        let job = UInt64(try r.int64(9))
        let text = try r.text(0)
        guard let stage = Stage(rawValue: text) else {
          throw LedgerError.badValue(column: "stage_runs.stage", value: text)
        }
        runs[job, default: []].append(
          StageRunRecord(
            job: job, stage: stage, partition: try r.optionalInt64(7).map { Int($0) },
            range: try r.optionalInt64(10).map { Int($0) }, attempt: try r.int(1),
            startedAt: try r.int64(2), endedAt: try r.optionalInt64(3), outcome: try r.optionalText(4),
            error: try r.optionalBytes(5), nextAttemptAt: try r.optionalInt64(6), process: try r.optionalInt64(8)))
      }
      return runs
    }
  }

  public func sourceIntervals() throws -> [String: [(from: Int64, to: Int64, done: Bool)]] {
    try db.withSession { session in
      var out: [String: [(from: Int64, to: Int64, done: Bool)]] = [:]
      // `COLLATE "C"`: sources in byte order, as SQLite's BINARY sorts them.
      for r in try session.query(
        """
        SELECT b.source, b.from_s, b.to_s, COALESCE(j.status = 'done', false)
        FROM input_batches b LEFT JOIN jobs j ON j.seq = b.job ORDER BY b.source COLLATE "C", b.from_s
        """)
      {
        out[try r.text(0), default: []].append((from: try r.int64(1), to: try r.int64(2), done: try r.bool(3)))
      }
      return out
    }
  }

  /// `LIMIT` for `limit`: a negative limit is SQLite's `LIMIT -1`, no limit (PostgreSQL's NULL).
  private static func limit(_ limit: Int) -> PGValue { limit < 0 ? .null : .int(Int64(limit)) }

  public func refusals(limit: Int) throws -> [RefusedFileRecord] {
    try db.withSession { session in
      try session.query(
        """
        SELECT source, name, reason, path, at FROM
          (SELECT * FROM refusals ORDER BY id DESC LIMIT $1::BIGINT) AS newest ORDER BY id
        """, [Self.limit(limit)]
      ).map { r in
        RefusedFileRecord(
          source: try r.text(0), name: try r.text(1), reason: try r.bytes(2), path: try r.text(3), at: try r.int64(4))
      }
    }
  }

  public func appendEvent(_ event: LedgerEvent) throws {
    try db.withSession { session in
      try session.execute(
        "INSERT INTO events (at, kind, job, text) VALUES ($1, $2, $3, $4)",
        [.int(event.at), .text(event.kind.rawValue), .int(event.job.map { Int64($0) }), .bytes(event.text)])
    }
  }

  public func recentEvents(limit: Int) throws -> [LedgerEvent] {
    try db.withSession { session in
      try session.query(
        """
        SELECT at, kind, job, text FROM
          (SELECT * FROM events ORDER BY id DESC LIMIT $1::BIGINT) AS newest ORDER BY id
        """, [Self.limit(limit)]
      ).map { r in
        LedgerEvent(
          at: try r.int64(0), kind: LedgerEvent.Kind(rawValue: try r.text(1)) ?? .info,
          job: try r.optionalInt64(2).map { UInt64($0) }, text: try r.bytes(3))
      }
    }
  }

  public func recordCompaction(_ r: CompactionRecord) throws {
    try db.withSession { session in
      try session.execute(
        """
        INSERT INTO compactions (at, live_bytes, total_before, total_after, deleted_parts, rewritten_parts)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        [
          .int(r.at), .int(r.liveBytes), .int(r.totalBytesBefore), .int(r.totalBytesAfter),
          .int(Int64(r.deletedParts)), .int(Int64(r.rewrittenParts)),
        ])
    }
  }

  public func lastCompaction() throws -> CompactionRecord? {
    try db.withSession { session in
      try session.query(
        """
        SELECT at, live_bytes, total_before, total_after, deleted_parts, rewritten_parts
        FROM compactions ORDER BY id DESC LIMIT 1
        """
      ).first.map { r in
        CompactionRecord(
          at: try r.int64(0), liveBytes: try r.int64(1), totalBytesBefore: try r.int64(2),
          totalBytesAfter: try r.int64(3), deletedParts: try r.int(4), rewrittenParts: try r.int(5))
      }
    }
  }
}
