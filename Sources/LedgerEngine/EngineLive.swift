import LedgerStorage

/// What the engine is doing right now (in memory, not in the ledger): for the console.
public struct EngineLive: Sendable, Equatable {
  /// The job running in each busy stage, with its progress 0…1.
  public var running: [Stage: (job: UInt64, progress: Double)]
  /// Events indexed per second over the last 10 s.
  public var throughput: Int
  /// Backlog depth (input batches not yet in a job) at each recent scan, oldest first.
  public var backlogHistory: [Int]
  public var stopping: Bool

  public static func == (a: EngineLive, b: EngineLive) -> Bool {
    a.throughput == b.throughput && a.backlogHistory == b.backlogHistory && a.stopping == b.stopping
      && a.running.mapValues { "\($0.job):\($0.progress)" } == b.running.mapValues { "\($0.job):\($0.progress)" }
  }
}

extension Engine {
  /// A snapshot of the engine's in-memory state; cheap, never touches the ledger.
  public func live() -> EngineLive {
    let now = context.clock.nowMillis()
    return state.withLock { s in
      var running: [Stage: (job: UInt64, progress: Double)] = [:]
      for (stage, job) in s.runningJob { running[stage] = (job, s.progress[stage] ?? 0) }
      return EngineLive(
        running: running, throughput: s.throughput(now: now), backlogHistory: s.backlogHistory,
        stopping: s.stopRequested)
    }
  }
}
