import LedgerStorage

/// Per-source completeness (SPEC §4): the end of the longest gap-free run of fully indexed
/// input-batch intervals, starting at the source's first batch.
public struct Watermark: Sendable, Equatable {
  /// One registered input interval of a source and whether its job is fully indexed.
  public struct Interval: Sendable, Equatable {
    public var from: Int64
    public var to: Int64
    public var indexed: Bool

    public init(from: Int64, to: Int64, indexed: Bool) {
      self.from = from
      self.to = to
      self.indexed = indexed
    }
  }

  /// A hole in what is complete: no registered interval covers `[from, to)`, or the interval
  /// there is registered but not yet indexed (`pending`).
  public struct Gap: Sendable, Equatable {
    public var from: Int64
    public var to: Int64
    public var pending: Bool
    /// A pending interval whose input an operator set aside (`quarantine`): it waits for a
    /// release, not for the engine (``marking(quarantined:failed:)``).
    public var quarantined = false
    /// A pending interval whose batch failed: it waits for `ledgerline retry` of this batch.
    public var failedBatch: UInt64? = nil
  }

  /// "Complete through" instant (seconds since epoch), or `nil` when nothing is complete yet.
  public var completeThrough: Int64?
  /// Holes after the watermark, in time order: missing intervals and pending batches.
  public var gaps: [Gap]

  /// This watermark with its pending gaps that wait for an operator marked so: the intervals
  /// of quarantined inputs, and those of inputs whose batch failed (`failed`: interval and
  /// batch), all of this source.
  public func marking(
    quarantined intervals: [(from: Int64, to: Int64)], failed: [(from: Int64, to: Int64, batch: UInt64)] = []
  ) -> Watermark {
    var marked = self
    for i in marked.gaps.indices where marked.gaps[i].pending {
      let (from, to) = (gaps[i].from, gaps[i].to)
      marked.gaps[i].quarantined = intervals.contains { $0.from == from && $0.to == to }
      marked.gaps[i].failedBatch = failed.first { $0.from == from && $0.to == to }?.batch
    }
    return marked
  }

  /// Per source, the intervals of the inputs of the failed batches among `jobs` (whose input
  /// records are among `inputs`), with the batch: the gaps that wait for an operator's `retry`
  /// (``marking(quarantined:failed:)``). A failed batch holds back its partitions' successors,
  /// so it is among the recent jobs that a report or the console lists.
  public static func failedIntervals(jobs: [JobRecord], inputs: [InputBatchRecord])
    -> [String: [(from: Int64, to: Int64, batch: UInt64)]]
  {
    var batchOf: [Int64: UInt64] = [:]
    for job in jobs where job.status == .failed {
      for input in job.inputs { batchOf[input] = job.seq }
    }
    var out: [String: [(from: Int64, to: Int64, batch: UInt64)]] = [:]
    for input in inputs {
      guard let batch = batchOf[input.id] else { continue }
      out[input.batch.source, default: []].append((input.batch.from, input.batch.to, batch))
    }
    return out
  }

  /// How a gap reads in `status` and the console: `missing`, `pending`, `quarantined`, or
  /// `failed` with the command that resumes it.
  public static func describe(_ gap: Gap) -> String {
    if gap.quarantined { return "quarantined" }
    if let batch = gap.failedBatch { return "failed (`ledgerline retry \(batch)`)" }
    return gap.pending ? "pending" : "missing"
  }

  /// Computes the watermark of one source from its registered intervals (any order).
  public static func compute(_ intervals: [Interval]) -> Watermark {
    let sorted = intervals.sorted { $0.from < $1.from }
    guard let first = sorted.first else { return Watermark(completeThrough: nil, gaps: []) }
    var through: Int64? = nil
    var cursor = first.from
    var unbroken = true
    var gaps: [Gap] = []
    for interval in sorted {
      if interval.from > cursor {
        gaps.append(Gap(from: cursor, to: interval.from, pending: false))
        unbroken = false
      }
      if !interval.indexed {
        gaps.append(Gap(from: interval.from, to: interval.to, pending: true))
        unbroken = false
      } else if unbroken {
        through = interval.to
      }
      cursor = max(cursor, interval.to)
    }
    return Watermark(completeThrough: through, gaps: gaps)
  }
}
