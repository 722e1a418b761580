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
    /// release, not for the engine (``marking(quarantined:)``).
    public var quarantined = false
  }

  /// "Complete through" instant (seconds since epoch), or `nil` when nothing is complete yet.
  public var completeThrough: Int64?
  /// Holes after the watermark, in time order: missing intervals and pending batches.
  public var gaps: [Gap]

  /// This watermark with the pending gaps that are quarantined inputs (their `[from, to)`, of
  /// this source) marked so.
  public func marking(quarantined intervals: [(from: Int64, to: Int64)]) -> Watermark {
    var marked = self
    for i in marked.gaps.indices where marked.gaps[i].pending {
      marked.gaps[i].quarantined = intervals.contains { $0.from == gaps[i].from && $0.to == gaps[i].to }
    }
    return marked
  }

  /// How a gap reads in `status` and the console: `missing`, `pending` or `quarantined`.
  public static func describe(_ gap: Gap) -> String {
    gap.quarantined ? "quarantined" : gap.pending ? "pending" : "missing"
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
