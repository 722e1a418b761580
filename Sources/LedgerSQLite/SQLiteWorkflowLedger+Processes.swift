import LedgerStorage

extension SQLiteWorkflowLedger {
  public func registerProcess(_ process: NewProcess, at now: Int64) throws -> ProcessRecord {
    try db.transaction { conn in
      try conn.run(
        "INSERT INTO processes(host, pid, os_user, started_at, heartbeat_at) VALUES (?,?,?,?,?)",
        [.text(process.host), .integer(Int64(process.pid)), .text(process.osUser), .integer(now), .integer(now)])
      return ProcessRecord(
        id: conn.lastInsertRowID, host: process.host, pid: process.pid, osUser: process.osUser, startedAt: now,
        heartbeatAt: now)
    }
  }

  @discardableResult
  public func heartbeat(process id: Int64, at now: Int64) throws -> Bool {
    try db.transaction { conn in
      try conn.run(
        "UPDATE processes SET heartbeat_at = MAX(heartbeat_at, ?) WHERE id = ? AND stopped_at IS NULL",
        [.integer(now), .integer(id)])
      return conn.changes > 0
    }
  }

  public func endProcess(_ id: Int64, note: String, at now: Int64) throws {
    try db.transaction { conn in
      try conn.run(
        "UPDATE processes SET stopped_at = ?, end_note = ? WHERE id = ? AND stopped_at IS NULL",
        [.integer(now), .text(note), .integer(id)])
    }
  }

  public func processes(recentlyEnded: Int) throws -> [ProcessRecord] {
    try db.withConnection { conn in
      var out: [ProcessRecord] = []
      let columns = "id, host, pid, os_user, started_at, heartbeat_at, stopped_at, end_note"
      let read = { (s: SQLiteStatement) in
        out.append(
          ProcessRecord(
            id: s.int64(at: 0), host: try s.string(at: 1), pid: Int32(truncatingIfNeeded: s.int64(at: 2)),
            osUser: try s.string(at: 3), startedAt: s.int64(at: 4), heartbeatAt: s.int64(at: 5),
            stoppedAt: s.isNull(at: 6) ? nil : s.int64(at: 6), endNote: s.optionalString(at: 7)))
      }
      try conn.query("SELECT \(columns) FROM processes WHERE stopped_at IS NULL ORDER BY id", [], row: read)
      try conn.query(
        """
        SELECT \(columns) FROM (SELECT * FROM processes WHERE stopped_at IS NOT NULL ORDER BY id DESC LIMIT ?)
        ORDER BY id
        """, [.integer(Int64(max(0, recentlyEnded)))], row: read)
      return out
    }
  }
}

extension SQLiteWorkflowLedger {
  /// One engine opens a SQLite ledger (the engine lock), so every section is its own already.
  /// One engine at a time opens a SQLite store (the engine lock).
  public var admitsSeveralEngines: Bool { false }

  public func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T? {
    try body()
  }
}
