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

  @discardableResult
  public func heartbeat(process id: Int64, at now: Int64) throws -> Bool {
    state.withLock { s in
      guard id >= 1, id <= Int64(s.processes.count), s.processes[Int(id - 1)].stoppedAt == nil else { return false }
      s.processes[Int(id - 1)].heartbeatAt = max(s.processes[Int(id - 1)].heartbeatAt, now)
      return true
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
  /// Shared by several engines (a fleet in one test process), one holder per section at a time;
  /// else one engine uses the ledger, so every section is its own already.
  public func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T? {
    guard admitsSeveralEngines, let lock = sections[section] else { return try body() }
    if wait {
      lock.lock()
    } else if !lock.try() {
      return nil
    }
    defer { lock.unlock() }
    return try body()
  }
}
