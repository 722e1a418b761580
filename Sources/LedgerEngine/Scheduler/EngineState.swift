import LedgerDomain
import LedgerStorage

/// The engine's in-memory state: partition outputs handed between tasks, and live statistics.
/// Owned by `Engine` under a mutex; the workflow ledger stays the durable truth.
struct EngineState {
  /// A prefetched partition waiting for process, with the baseline its lookups saw: every job
  /// ≤ baseline had this partition indexed before the lookups.
  struct Prefetched {
    var baseline: UInt64
    var partition: PrefetchedPartition
  }

  /// Prefetch outputs waiting for process.
  var prefetched: [PartitionKey: Prefetched] = [:]
  /// Baselines of prefetches still running (their output is not in `prefetched` yet).
  var prefetching: [PartitionKey: UInt64] = [:]
  /// Process outputs waiting for index (to warm the cache).
  var processed: [PartitionKey: [String: InFlightOverlay.Entry]] = [:]
  /// Tasks this process runs now, with their progress 0…1.
  var running: [TaskRef: Double] = [:]
  /// A compaction pass is running: prefetch and process wait.
  var compacting = false
  /// Per partition, the highest job such that it and every job before it has that partition
  /// indexed; `indexedFloor` for a partition not listed.
  var indexedThrough: [Int: UInt64] = [:]
  /// Every job ≤ this one is done.
  var indexedFloor: UInt64 = 0
  /// The key index's background failures reported (each distinct one once).
  var reportedIndexFailures: Set<String> = []
  var stopRequested = false
  /// Another process of the fleet expired this one (its heartbeat was refused).
  var presumedGone = false
  /// Partitions whose process output the overlay holds: written here, or loaded from the
  /// manifest another process wrote (a fleet).
  var overlayHolds: Set<PartitionKey> = []
  /// When this process last looked for processes silent past their lease.
  var lastExpirySweep: Int64 = 0
  /// Events applied, with times, for throughput.
  var appliedLog: [(at: Int64, events: Int64)] = []
  /// Backlog depth samples for the sparkline.
  var backlogHistory: [Int] = []

  func indexed(_ partition: Int) -> UInt64 {
    indexedThrough[partition] ?? indexedFloor
  }

  /// The highest job whose overlay entries no waiting or running task can still need: indexed
  /// in every one of `partitions`, and at or below the baseline of every prefetch that is
  /// running or waiting for process.
  func overlaySafeThrough(partitions: Int) -> UInt64 {
    let indexed = (0..<max(1, partitions)).map(indexed).min() ?? indexedFloor
    let baselines = prefetched.values.map(\.baseline) + Array(prefetching.values)
    return min(indexed, baselines.min() ?? indexed)
  }

  /// Forgets which partitions' outputs the overlay holds up to ``overlaySafeThrough(partitions:)``
  /// and returns that job: the caller evicts the overlay through it.
  mutating func releaseOverlayHolds(partitions: Int) -> UInt64 {
    let safe = overlaySafeThrough(partitions: partitions)
    overlayHolds = overlayHolds.filter { $0.job > safe }
    return safe
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
