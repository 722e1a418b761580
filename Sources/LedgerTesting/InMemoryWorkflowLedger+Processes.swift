import LedgerStorage

extension InMemoryWorkflowLedger {
  public func registerProcess(_ process: NewProcess, at now: Int64) throws -> ProcessRecord {
    state.withLock { s in
      let record = ProcessRecord(
        id: Int64(s.processes.count) + 1, host: process.host, pid: process.pid, osUser: process.osUser,
        startedAt: now, heartbeatAt: now)
      s.processes.append(record)
      return record
    }
  }

  public func heartbeat(process id: Int64, at now: Int64) throws {
    state.withLock { s in
      guard id >= 1, id <= Int64(s.processes.count), s.processes[Int(id - 1)].stoppedAt == nil else { return }
      s.processes[Int(id - 1)].heartbeatAt = max(s.processes[Int(id - 1)].heartbeatAt, now)
    }
  }

  public func endProcess(_ id: Int64, note: String, at now: Int64) throws {
    state.withLock { s in
      guard id >= 1, id <= Int64(s.processes.count), s.processes[Int(id - 1)].stoppedAt == nil else { return }
      s.processes[Int(id - 1)].stoppedAt = now
      s.processes[Int(id - 1)].endNote = note
    }
  }

  public func processes(recentlyEnded: Int) throws -> [ProcessRecord] {
    state.withLock { s in
      s.processes.filter { $0.stoppedAt == nil }
        + s.processes.filter { $0.stoppedAt != nil }.suffix(max(0, recentlyEnded))
    }
  }
}

extension InMemoryWorkflowLedger {
  /// One engine uses an in-memory ledger, so every section is its own already.
  public func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T? {
    try body()
  }
}
