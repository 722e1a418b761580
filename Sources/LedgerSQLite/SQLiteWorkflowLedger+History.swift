import LedgerStorage

extension SQLiteWorkflowLedger {
  public func stageRuns(job: UInt64) throws -> [StageRunRecord] {
    try stageRuns(jobs: [job])[job] ?? []
  }

  /// One range query over `stage_runs_by_job` (the jobs asked are usually the last ones, one
  /// run of numbers), keeping the jobs asked for.
  public func stageRuns(jobs: [UInt64]) throws -> [UInt64: [StageRunRecord]] {
    guard let low = jobs.min(), let high = jobs.max() else { return [:] }
    let wanted = Set(jobs)
    return try db.withConnection { conn in
      var runs: [UInt64: [StageRunRecord]] = [:]
      try conn.query(
        """
        SELECT stage, attempt, started_at, ended_at, outcome, error, next_attempt_at, partition_no, process, job,
          range_no
        FROM stage_runs WHERE job BETWEEN ? AND ? ORDER BY job, id
        """, [.integer(Int64(low)), .integer(Int64(high))]
      ) { s in
        let job = UInt64(s.int64(at: 9))
        guard wanted.contains(job) else { return }
        let text = try s.string(at: 0)
        guard let stage = Stage(rawValue: text) else {
          throw LedgerError.badValue(column: "stage_runs.stage", value: text)
        }
        runs[job, default: []].append(
          StageRunRecord(
            job: job, stage: stage, partition: s.isNull(at: 7) ? nil : s.int(at: 7),
            range: s.isNull(at: 10) ? nil : s.int(at: 10), attempt: s.int(at: 1),
            startedAt: s.int64(at: 2),
            endedAt: s.isNull(at: 3) ? nil : s.int64(at: 3), outcome: s.optionalString(at: 4),
            error: s.optionalString(at: 5), nextAttemptAt: s.isNull(at: 6) ? nil : s.int64(at: 6),
            process: s.isNull(at: 8) ? nil : s.int64(at: 8)))
      }
      return runs
    }
  }

  public func sourceIntervals() throws -> [String: [(from: Int64, to: Int64, done: Bool)]] {
    try db.withConnection { conn in
      var out: [String: [(from: Int64, to: Int64, done: Bool)]] = [:]
      try conn.query(
        """
        SELECT b.source, b.from_s, b.to_s, COALESCE(j.status = 'done', 0)
        FROM input_batches b LEFT JOIN jobs j ON j.seq = b.job ORDER BY b.source, b.from_s
        """
      ) { s in
        out[try s.string(at: 0), default: []].append(
          (from: s.int64(at: 1), to: s.int64(at: 2), done: s.int64(at: 3) != 0))
      }
      return out
    }
  }

  public func refusals(limit: Int) throws -> [RefusedFileRecord] {
    try db.withConnection { conn in
      var out: [RefusedFileRecord] = []
      try conn.query(
        """
        SELECT source, name, reason, path, at FROM
          (SELECT * FROM refusals ORDER BY id DESC LIMIT ?) ORDER BY id
        """, [.integer(Int64(limit))]
      ) { s in
        out.append(
          RefusedFileRecord(
            source: try s.string(at: 0), name: try s.string(at: 1), reason: try s.string(at: 2),
            path: try s.string(at: 3), at: s.int64(at: 4)))
      }
      return out
    }
  }

  public func appendEvent(_ event: LedgerEvent) throws {
    try db.withConnection { conn in
      try conn.run(
        "INSERT INTO events(at, kind, job, text) VALUES (?,?,?,?)",
        [
          .integer(event.at), .text(event.kind.rawValue),
          event.job.map { .integer(Int64($0)) } ?? .null, .text(event.text),
        ])
    }
  }

  public func recentEvents(limit: Int) throws -> [LedgerEvent] {
    try db.withConnection { conn in
      var out: [LedgerEvent] = []
      try conn.query(
        """
        SELECT at, kind, job, text FROM
          (SELECT * FROM events ORDER BY id DESC LIMIT ?) ORDER BY id
        """, [.integer(Int64(limit))]
      ) { s in
        out.append(
          LedgerEvent(
            at: s.int64(at: 0), kind: LedgerEvent.Kind(rawValue: try s.string(at: 1)) ?? .info,
            job: s.isNull(at: 2) ? nil : UInt64(s.int64(at: 2)), text: try s.string(at: 3)))
      }
      return out
    }
  }

  public func recordCompaction(_ r: CompactionRecord) throws {
    try db.withConnection { conn in
      try conn.run(
        """
        INSERT INTO compactions(at, live_bytes, total_before, total_after, deleted_parts,
          rewritten_parts) VALUES (?,?,?,?,?,?)
        """,
        [
          .integer(r.at), .integer(r.liveBytes), .integer(r.totalBytesBefore),
          .integer(r.totalBytesAfter), .integer(Int64(r.deletedParts)),
          .integer(Int64(r.rewrittenParts)),
        ])
    }
  }

  public func lastCompaction() throws -> CompactionRecord? {
    try db.withConnection { conn in
      var out: CompactionRecord?
      try conn.query(
        """
        SELECT at, live_bytes, total_before, total_after, deleted_parts, rewritten_parts
        FROM compactions ORDER BY id DESC LIMIT 1
        """
      ) { s in
        out = CompactionRecord(
          at: s.int64(at: 0), liveBytes: s.int64(at: 1), totalBytesBefore: s.int64(at: 2),
          totalBytesAfter: s.int64(at: 3), deletedParts: s.int(at: 4), rewrittenParts: s.int(at: 5))
      }
      return out
    }
  }
}
