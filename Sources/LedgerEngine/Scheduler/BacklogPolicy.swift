import LedgerStorage

/// Backlog-adaptive grouping (SPEC §4): how many pending input batches one stateless job takes.
///
/// When the line is idle and one input batch waits, the job takes one (lowest latency). When
/// input batches queue up, one job takes several, oldest first, until adding the next would pass
/// `maxBytes` or `maxInputs` — fewer, larger jobs amortise the per-batch cost of the stateful
/// stages. A single input larger than `maxBytes` still forms a job of its own.
public struct BacklogPolicy: Sendable, Equatable {
  public var maxInputs: Int
  public var maxBytes: Int64

  public init(maxInputs: Int = 32, maxBytes: Int64 = 256 << 20) {
    self.maxInputs = maxInputs
    self.maxBytes = maxBytes
  }

  /// How many of `pendingSizes` (byte sizes, in registration order) the next job takes.
  public func groupSize(pendingSizes: [Int64]) -> Int {
    guard !pendingSizes.isEmpty else { return 0 }
    var total: Int64 = 0
    var taken = 0
    for size in pendingSizes.prefix(maxInputs) {
      if taken > 0 && total + size > maxBytes { break }
      total += size
      taken += 1
    }
    return taken
  }
}
