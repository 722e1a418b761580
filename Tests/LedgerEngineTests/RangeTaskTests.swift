import LedgerDomain
import LedgerOperations
import LedgerStorage
import LedgerSystem
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

  /// A plan with fewer ranges (an input set aside) removes the rejects files of the ranges it no
  /// longer has, as its reduce attempts in the ledger name them, and keeps the others.
  @Test func staleRangeRejectsAreRemovedFromTheRangesTheLedgerNames() throws {
    let h = try EngineHarness(storage: .sqlite)
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl", bytes: ParallelDecodeTests.jsonLines())
    try h.runUntilIdle(segmentBytes: 700)
    let context = try h.context()
    let ranges = try context.ledger.reduceRanges(job: 1).count
    try #require(ranges > 3)
    let path = { (k: Int) in "\(context.paths.rejects)/\(PartNames.rejects(job: 1, range: k))" }
    for k in 0..<ranges where !FileSystem.exists(path(k)) {
      try FileSystem.writeAtomically(Array("{}\n".utf8), to: path(k))
    }
    try StatelessReducer(context: context, rangeBytes: 1 << 20).removeRangeRejects(job: 1, from: 2)
    #expect(
      (0..<ranges).map { FileSystem.exists(path($0)) } == [true, true] + Array(repeating: false, count: ranges - 2))
  }
}
