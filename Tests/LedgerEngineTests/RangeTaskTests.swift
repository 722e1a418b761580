import LedgerDomain
import LedgerOperations
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerEngine

/// A batch whose large JSON Lines input is registered as segments is reduced as several range
/// tasks; what it applies is what one reduce of the whole batch applies: the same artifacts,
/// counts (keys included) and rejected lines, with their physical line numbers, in order.
@Suite struct RangeTaskTests {
  struct Outcome: Equatable {
    var counts: JobCounts
    var lines: [String: [String]]
    var totals: [String: [Int64]]
    var rejects: [String]
  }

  static func run(storage: EngineHarness.Storage, segmentBytes: Int?) throws -> (
    Outcome, ranges: Int
  ) {
    let h = try EngineHarness(storage: storage)
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl", bytes: ParallelDecodeTests.jsonLines())
    try h.deliver(source: "pos", name: "20261127T100000Z_20261127T101500Z.csv", bytes: ParallelDecodeTests.csv())
    let report = try h.runUntilIdle(segmentBytes: segmentBytes)
    #expect(report.failed.isEmpty)
    let ledger = try h.context().ledger
    let job = try #require(try ledger.job(1))
    #expect(job.status == .done)
    var lines: [String: [String]] = [:]
    var totals: [String: [Int64]] = [:]
    for (order, artifact) in try h.artifacts() {
      lines[order] = artifact.lines.map(\.id)
      for (currency, t) in artifact.summary.totals {
        totals["\(order) \(currency.code)"] = [t.balance, t.debits, t.credits]
      }
    }
    let rejects = try RejectsReader(paths: h.paths).lines().map { "\($0.file):\($0.line) \($0.rule)" }
    return (
      Outcome(counts: job.counts, lines: lines, totals: totals, rejects: rejects),
      try ledger.reduceRanges(job: 1).count
    )
  }

  @Test(arguments: EngineHarness.Storage.available)
  func rangeTasksApplyWhatOneReduceApplies(storage: EngineHarness.Storage) throws {
    let (whole, one) = try Self.run(storage: storage, segmentBytes: nil)
    let (split, ranges) = try Self.run(storage: storage, segmentBytes: 700)
    #expect(one == 1)
    #expect(ranges > 5)
    #expect(split == whole)
    #expect(whole.counts.keys == 23)  // o0…o22; the CSV file's o0…o6 are among them
    // Physical line numbers survive: line 6 is "not json 5" (the BOM is on line 1).
    #expect(split.rejects.contains { $0.hasPrefix("20261127T100000Z_20261127T101500Z.jsonl:6 ") })
  }
}
