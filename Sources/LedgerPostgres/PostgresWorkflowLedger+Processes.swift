import LedgerStorage

extension PostgresWorkflowLedger {
  public func registerProcess(_ process: NewProcess, at now: Int64) throws -> ProcessRecord {
    try db.transaction { session in
      let id = try session.scalarInt64(
        """
        INSERT INTO processes (host, pid, os_user, started_at, heartbeat_at)
        VALUES ($1, $2, $3, $4, $4) RETURNING id
        """, [.bytes(process.host), .int(Int64(process.pid)), .bytes(process.osUser), .int(now)])
      guard let id else { throw LedgerError.badValue(column: "processes.id", value: "none returned") }
      return ProcessRecord(
        id: id, host: process.host, pid: process.pid, osUser: process.osUser, startedAt: now, heartbeatAt: now)
    }
  }

  @discardableResult
  public func heartbeat(process id: Int64, at now: Int64) throws -> Bool {
    try beats.database().withSession { session in
      try session.execute(
        "UPDATE processes SET heartbeat_at = GREATEST(heartbeat_at, $1) WHERE id = $2 AND stopped_at IS NULL",
        [.int(now), .int(id)]) > 0
    }
  }

  public func endProcess(_ id: Int64, note: String, at now: Int64) throws {
    try db.withSession { session in
      try session.execute(
        "UPDATE processes SET stopped_at = $1, end_note = $2 WHERE id = $3 AND stopped_at IS NULL",
        [.int(now), .bytes(note), .int(id)])
    }
  }

  public func processes(recentlyEnded: Int) throws -> [ProcessRecord] {
    try db.readTransaction { session in
      let columns = "id, host, pid, os_user, started_at, heartbeat_at, stopped_at, end_note"
      let running = try session.query(
        "SELECT \(columns) FROM processes WHERE stopped_at IS NULL ORDER BY id")
      let ended = try session.query(
        """
        SELECT \(columns) FROM (SELECT * FROM processes WHERE stopped_at IS NOT NULL ORDER BY id DESC LIMIT $1) p
        ORDER BY id
        """, [.int(Int64(max(0, recentlyEnded)))])
      return try (running + ended).map { r in
        ProcessRecord(
          id: try r.int64(0), host: try r.optionalBytes(1) ?? "", pid: Int32(truncatingIfNeeded: try r.int64(2)),
          osUser: try r.optionalBytes(3) ?? "", startedAt: try r.int64(4), heartbeatAt: try r.int64(5),
          stoppedAt: try r.optionalInt64(6), endNote: try r.optionalBytes(7))
      }
    }
  }
}
