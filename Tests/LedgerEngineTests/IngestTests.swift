import Foundation
import LedgerDomain
import LedgerOperations
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerEngine

@Suite struct IngestTests {
  static let first = "20261127T100000Z_20261127T101500Z.jsonl"
  static let second = "20261127T101500Z_20261127T103000Z.jsonl"

  @Test(arguments: EngineHarness.Storage.available)
  func registersArchivesAndAppliesAFile(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "12.50")])
    try h.runUntilIdle()
    #expect(!FileManager.default.fileExists(atPath: "\(h.root)/inbox/web/\(Self.first)"))
    #expect(FileManager.default.fileExists(atPath: "\(h.root)/archive/web/\(Self.first)"))
    let o1 = try #require(try h.artifacts()["o1"])
    #expect(o1.summary.totals[Currency.usd] == CurrencyTotals(balance: 1250, debits: 1250, credits: 0))
  }

  @Test(arguments: [
    ("20261127T100000Z-20261127T101500Z.jsonl", "bad-name"),
    ("20261127T101500Z_20261127T100000Z.jsonl", "empty-interval"),
    ("20261127T100000Z_20261127T100000Z.jsonl", "empty-interval"),
    ("20261131T100000Z_20261201T100000Z.jsonl", "bad-name"),
    ("20261127T100000Z_20261127T101500Z.txt", "bad-name"),
  ])
  func refusesBadFileNamesAsAWhole(name: String, kind: String) throws {
    let h = try EngineHarness(storage: .inMemory)
    try h.deliver(source: "web", name: name, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    let refusals = try h.context().ledger.refusals(limit: 10)
    #expect(refusals.count == 1)
    #expect(refusals.first?.name == name)
    #expect(refusals.first?.path == "refused/web/\(name)")
    #expect(FileManager.default.fileExists(atPath: "\(h.root)/refused/web/\(name)"))
    #expect(try h.artifacts().isEmpty)
    let expectedFragment = kind == "empty-interval" ? "its interval is empty" : name
    #expect(refusals.first?.reason.contains(expectedFragment) == true, "\(refusals.first?.reason ?? "")")
  }

  @Test(arguments: EngineHarness.Storage.available)
  func refusesAnIntervalOverlappingARegisteredOne(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    let overlapping = "20261127T101000Z_20261127T102000Z.jsonl"
    try h.deliver(source: "web", name: overlapping, lines: [eventLine(id: "e2", order: "o1", amount: "5.00")])
    try h.runUntilIdle()
    let refusal = try #require(try h.context().ledger.refusals(limit: 10).first)
    #expect(refusal.name == overlapping)
    #expect(refusal.reason.contains(Self.first))
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 100)
  }

  @Test(arguments: EngineHarness.Storage.available)
  func overlapIsPerSource(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.deliver(source: "shop", name: Self.first, lines: [eventLine(id: "e2", order: "o1", amount: "2.00")])
    try h.runUntilIdle()
    #expect(try h.context().ledger.refusals(limit: 10).isEmpty)
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 300)
  }

  @Test(arguments: EngineHarness.Storage.available)
  func redeliveringAFileNeverDoubleCounts(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    let lines = [eventLine(id: "e1", order: "o1", amount: "10.00"), eventLine(id: "e2", order: "o1", amount: "-4.00")]
    try h.deliver(source: "web", name: Self.first, lines: lines)
    try h.runUntilIdle()
    // The same file again: refused as a repeated name.
    try h.deliver(source: "web", name: Self.first, lines: lines)
    // The same events (in another order, with a new one) under a new interval: the old lines
    // are duplicates, only the new one counts.
    try h.deliver(
      source: "web", name: Self.second,
      lines: lines.reversed() + [eventLine(id: "e3", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    try h.runUntilIdle()
    let o1 = try #require(try h.artifacts()["o1"])
    #expect(o1.summary.totals[.usd] == CurrencyTotals(balance: 700, debits: 1100, credits: -400))
    #expect(o1.lines.map(\.id) == ["e1", "e2", "e3"])
    let refusal = try #require(try h.context().ledger.refusals(limit: 10).first)
    #expect(refusal.reason.contains("already registered"))
    let jobs = try h.context().ledger.recentJobs(limit: 10)
    #expect(jobs.last?.counts.duplicates == 2)
  }

  @Test(arguments: EngineHarness.Storage.available)
  func neverReadsInProgressNames(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: ".\(Self.first)", lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.deliver(source: "web", name: "\(Self.first).tmp", lines: [eventLine(id: "e2", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    #expect(try h.artifacts().isEmpty)
    #expect(try h.context().ledger.refusals(limit: 10).isEmpty)
    #expect(FileManager.default.fileExists(atPath: "\(h.root)/inbox/web/.\(Self.first)"))
  }

  @Test(arguments: EngineHarness.Storage.available)
  func refusesAnInvalidSourceDirectory(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "Web_Store", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    let refusal = try #require(try h.context().ledger.refusals(limit: 10).first)
    #expect(refusal.reason.contains("Web_Store"))
  }

  @Test(arguments: EngineHarness.Storage.available)
  func rejectedLinesAreListedWithFileLineAndReasonAndNeverCount(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(
      source: "web", name: Self.first,
      lines: [
        eventLine(id: "e1", order: "o1", amount: "1.00"),
        eventLine(id: "e2", order: "o1", amount: "1.000"),
        eventLine(id: "e3", order: "o1", amount: "2.00"),
      ])
    try h.runUntilIdle()
    let rejects = try RejectsReader(paths: h.paths).lines()
    #expect(rejects.count == 1)
    #expect(rejects.first?.file == Self.first)
    #expect(rejects.first?.line == 2)
    #expect(rejects.first?.rule == "too-many-amount-digits")
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 300)
    let status = try StatusReport.build(h.context())
    #expect(status.jobs.first?.counts.rejects == 1)
    #expect(try status.json().contains(#""rejects":1"#))
  }

  @Test(arguments: EngineHarness.Storage.available)
  func seedTwoColumnCSVIngestsAsItIs(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    let name = "20261127T100000Z_20261127T101500Z.csv"
    try h.deliver(source: "seed", name: name, bytes: Array("order_id,amount\nA1,10.00\nA2,-3.5\nA1,2\n".utf8))
    try h.runUntilIdle()
    let a1 = try #require(try h.artifacts()["A1"])
    #expect(a1.summary.totals[.usd]?.balance == 1200)
    #expect(a1.lines.map(\.id) == ["seed/\(name)#2", "seed/\(name)#4"])
    #expect(a1.lines.first?.kind == .charge)
    #expect(a1.lines.first?.ts == "2026-11-27T10:00:00Z")
    #expect(try h.artifacts()["A2"]?.summary.totals[.usd]?.balance == -350)
  }
}

/// Idempotency compares ids by bytes wherever the ids are kept: inline in a small artifact's
/// summary, or in the key index for a large one, the same input gives the same lines.
@Suite struct ExactIDIngestTests {
  @Test(arguments: EngineHarness.Storage.available, [0, 1_100])
  func canonicallyEquivalentIdsInLaterBatchesAreTwoLines(storage: EngineHarness.Storage, earlier: Int) throws {
    let h = try EngineHarness(storage: storage)
    let name = { (minute: Int) in RetryAndPipelineTests.name(minute) }
    // `earlier` lines first make the order large (ids kept in the key index) or not.
    try h.deliver(
      source: "web", name: name(0),
      lines: [eventLine(id: "first", order: "o1", amount: "1.00")]
        + (0..<earlier).map { eventLine(id: "bulk-\($0)", order: "o1", amount: "0.01") })
    try h.runUntilIdle(maxInputsPerJob: 1)
    try h.deliver(source: "web", name: name(1), lines: [eventLine(id: "\u{E9}", order: "o1", amount: "2.00")])
    try h.runUntilIdle(maxInputsPerJob: 1)
    try h.deliver(
      source: "web", name: name(2),
      lines: [
        eventLine(id: "e\u{301}", order: "o1", amount: "4.00"), eventLine(id: "\u{E9}", order: "o1", amount: "8.00"),
      ])
    try h.runUntilIdle(maxInputsPerJob: 1)
    let artifact = try #require(try h.artifacts()["o1"])
    let ids = artifact.lines.map(\.id).filter { !$0.hasPrefix("bulk-") }
    #expect(ids.map { Array($0.utf8) } == ["first", "\u{E9}", "e\u{301}"].map { Array($0.utf8) })
    #expect(artifact.summary.totals[.usd]?.balance == 700 + Int64(earlier))
    #expect(try h.context().ledger.recentJobs(limit: 3).last?.counts.duplicates == 1)
  }
}
