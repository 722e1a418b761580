import LedgerDomain

/// Writes realistic input batches into an inbox (SPEC §2 and `ledgerline generate`, §6):
/// several sources, Zipf-skewed order ids following a charge → payment → refund / chargeback /
/// fee lifecycle, one bulk order with many lines, accountants' corrections, re-sent duplicates
/// and bad lines of every rejection kind (``BadLineCatalog``).
///
/// Files are `<inbox>/<source>/<from>_<to>.jsonl` (or `.csv`), batch `k` of every source covering
/// `[start + k·Δ, start + (k+1)·Δ)`, each published atomically (written as `.<name>.tmp`, then
/// renamed). The same options and seed give byte-identical files. Lines are built straight into
/// a byte buffer and written in 4 MiB chunks.
///
/// Use ``write(toInbox:)`` for a whole workload, or call ``nextRound(toInbox:)`` repeatedly
/// (live mode, as in `ledgerline demo`) to write one batch per source for the next interval.
public struct WorkloadGenerator: Sendable {
  /// The options this generator was created with.
  public let options: GeneratorOptions
  /// The next round ``nextRound(toInbox:)`` writes: batches covering
  /// `[start + round·Δ, start + (round+1)·Δ)`.
  public private(set) var round = 0
  let problem: GenerationError?
  let vocabulary: Vocabulary
  let zipf: ZipfSampler
  let rates: Rates
  var random: SeededRandom
  var orders: OrderBook
  var counters: Counters

  /// A generator for `options`. Invalid options are reported by the first write, as a
  /// ``GenerationError/invalidOption(name:value:expected:)``.
  public init(options: GeneratorOptions) {
    self.options = options
    problem = options.problem()
    let usable = problem == nil ? options : GeneratorOptions(sources: ["invalid"], orderCount: 1)
    vocabulary = Vocabulary(options: usable)
    zipf = ZipfSampler(count: usable.orderCount, exponent: usable.zipfExponent)
    rates = Rates(options: usable)
    random = SeededRandom(seed: usable.seed)
    orders = OrderBook(count: usable.orderCount)
    counters = Counters(sourceCount: usable.sources.count)
  }

  /// Writes the whole workload — `batchesPerSource` rounds, one batch per source each — from
  /// the first interval, as a fresh generator would (whatever rounds this one has written).
  /// Late duplicate copies still pending at the end go into the last round's batches.
  public func write(toInbox inbox: String) throws -> GenerationReport {
    if let problem { throw problem }
    var fresh = WorkloadGenerator(options: options)
    var report = GenerationReport()
    for index in 0..<options.batchesPerSource {
      report.merge(
        try fresh.writeRound(toInbox: inbox, isFinal: index == options.batchesPerSource - 1))
    }
    return report
  }

  /// Live mode: writes one batch per source for the next interval and advances ``round``.
  /// Bulk-order lines appear only in the first `batchesPerSource` rounds.
  public mutating func nextRound(toInbox inbox: String) throws -> GenerationReport {
    try writeRound(toInbox: inbox, isFinal: false)
  }

  mutating func writeRound(toInbox inbox: String, isFinal: Bool) throws -> GenerationReport {
    if let problem { throw problem }
    var report = GenerationReport()
    for source in options.sources.indices {
      try writeBatch(plan(source: source, isFinal: isFinal), inbox: inbox, report: &report)
    }
    round += 1
    report.distinctOrders = counters.distinctOrders
    return report
  }

  /// Rates as parts per million, so counts are exact integers: after `n` good lines exactly
  /// `n · ppm / 1_000_000` (rounded down) bad lines have been written.
  struct Rates: Sendable {
    let badLines: Int
    let duplicates: Int
    let corrections: Int

    init(options: GeneratorOptions) {
      badLines = Self.partsPerMillion(options.badLineRate)
      duplicates = Self.partsPerMillion(options.duplicateRate)
      corrections = Self.partsPerMillion(options.correctionRate)
    }

    static func partsPerMillion(_ rate: Double) -> Int {
      Int((min(max(rate, 0), 1) * 1_000_000).rounded())
    }
  }

  /// Running state that is not per order.
  struct Counters: Sendable {
    /// Next event-id number per source (bad lines use them too, so ids never collide).
    var sequences: [Int64]
    var badCarry = 0
    var duplicateCarry = 0
    var correctionCarry = 0
    var jsonTemplateCursor = 0
    var csvTemplateCursor = 0
    var bulkWritten = 0
    var bulkAmount: Int64 = 0
    var distinctOrders = 0
    var lateCopies: [ScheduledCopy] = []

    init(sourceCount: Int) {
      sequences = Array(repeating: 1, count: sourceCount)
    }

    /// Adds `ppm` to `carry` and says whether a whole unit (one line) is due.
    static func take(_ carry: inout Int, _ ppm: Int) -> Bool {
      carry += ppm
      guard carry >= 1_000_000 else { return false }
      carry -= 1_000_000
      return true
    }
  }

  /// A duplicate copy to re-send in a later round, from `source`.
  struct ScheduledCopy: Sendable {
    var dueRound: Int
    var source: Int
    var event: GeneratedEvent
  }

  /// One good event, before encoding.
  struct GeneratedEvent: Sendable {
    /// Index of the source whose id prefix the event carries.
    var source: Int
    var sequence: Int64
    /// Order index, or -1 for the bulk order.
    var order: Int
    var kind: EventKind
    var amount: Int64
    /// Index into the vocabulary's currencies.
    var currency: Int
    var tsMillis: Int64
    /// Index into the vocabulary's memos, or -1.
    var memo: Int
    /// Correction reason and author indices, or -1.
    var reason: Int
    var author: Int
    var amountAsNumber: Bool
    var hasEntity: Bool
  }
}
