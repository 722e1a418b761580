import LedgerStorage

/// What the engine is doing right now (in memory, not in the ledger): for the console.
public struct EngineLive: Sendable, Equatable {
  /// Per busy stage, the earliest job running it and the mean progress 0…1 of its running tasks.
  public var running: [Stage: (job: UInt64, progress: Double)]
  /// Every task running, with its progress 0…1 (per partition after reduce).
  public var tasks: [TaskRef: Double]
  /// Events indexed per second over the last 10 s.
  public var throughput: Int
  /// Backlog depth (input batches not yet in a job) at each recent scan, oldest first.
  public var backlogHistory: [Int]
  public var stopping: Bool

  public static func == (a: EngineLive, b: EngineLive) -> Bool {
    a.throughput == b.throughput && a.backlogHistory == b.backlogHistory && a.stopping == b.stopping
      && a.tasks == b.tasks
  }
}

extension Engine {
  /// A snapshot of the engine's in-memory state; cheap, never touches the ledger.
  public func live() -> EngineLive {
    let now = context.clock.nowMillis()
    return state.withLock { s in
      var running: [Stage: (job: UInt64, progress: Double)] = [:]
      for stage in Stage.allCases {
        let tasks = s.running.filter { $0.key.stage == stage }
        guard let job = tasks.keys.map(\.job).min() else { continue }
        let mine = tasks.filter { $0.key.job == job }.values
        running[stage] = (job, mine.reduce(0, +) / Double(mine.count))
      }
      return EngineLive(
        running: running, tasks: s.running, throughput: s.throughput(now: now), backlogHistory: s.backlogHistory,
        stopping: s.stopRequested)
    }
  }
}
