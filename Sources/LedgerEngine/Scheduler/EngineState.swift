import LedgerDomain
import LedgerStorage

/// The engine's in-memory state: stage outputs handed between workers, and live statistics.
/// Owned by `Engine` under a mutex; the workflow ledger stays the durable truth.
struct EngineState {
  /// Prefetch outputs waiting for process.
  var prefetched: [UInt64: Prefetcher.Output] = [:]
  /// Baselines of prefetches still running (their output is not in `prefetched` yet).
  var prefetching: [UInt64: UInt64] = [:]
  /// Process outputs waiting for index (to warm the cache).
  var processed: [UInt64: [String: InFlightOverlay.Entry]] = [:]
  /// Progress (0…1) of the stage attempt running per stage.
  var progress: [Stage: Double] = [:]
  /// Stages with a worker currently running them.
  var busy: Set<Stage> = []
  /// Highest job whose index stage finished (all ≤ it are indexed).
  var indexedThrough: UInt64 = 0
  var stopRequested = false
  /// Progress of the stage running per stage (for the console), 0…1.
  var runningJob: [Stage: UInt64] = [:]
  /// Events applied, with times, for throughput.
  var appliedLog: [(at: Int64, events: Int64)] = []
  /// Backlog depth samples for the sparkline.
  var backlogHistory: [Int] = []

  /// The highest job whose overlay entries no waiting or running stage can still need: indexed,
  /// and at or below the baseline of every prefetch that is running or waiting for process.
  var overlaySafeThrough: UInt64 {
    let baselines = prefetched.values.map(\.baseline) + Array(prefetching.values)
    return min(indexedThrough, baselines.min() ?? indexedThrough)
  }

  mutating func noteApplied(_ events: Int64, at now: Int64) {
    appliedLog.append((now, events))
    appliedLog.removeAll { now - $0.at > 10_000 }
  }

  /// Events per second over the last 10 s.
  func throughput(now: Int64) -> Int {
    let recent = appliedLog.filter { now - $0.at <= 10_000 }
    guard let first = recent.first else { return 0 }
    let span = max(1000, now - first.at)
    return Int(recent.reduce(0) { $0 + $1.events } * 1000 / span)
  }
}
