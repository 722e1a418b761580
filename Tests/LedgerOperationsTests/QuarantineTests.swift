import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// The operator's escape hatch: one poisoned input is set aside so the rest of its batch
/// proceeds, and is applied once released.
@Suite struct QuarantineTests {
  static let web = "20261127T100000Z_20261127T101500Z.jsonl"
  static let shop = "20261127T100000Z_20261127T101500Z.jsonl"

  /// A batch that reduced its only input, failed at prefetch, and had that input set aside runs
  /// again from reduce with nothing: its counts start over (they were the first reduce's).
  @Test(arguments: EngineHarness.Storage.available)
  func aBatchRunAgainWithoutItsOnlyInputCountsNothing(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.web, lines: [eventLine(id: "w1", order: "o1", amount: "1.00")])
    let faults = try FaultInjector.parse("prefetch:job=1:permanent").get()
    let failed = try #require(try h.runUntilIdle(faults: faults).failed.first)
    #expect(failed.stage == .prefetch && failed.counts.events == 1 && failed.counts.inputBytes > 0)
    let actions = OperatorActions(context: try h.context(), auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    _ = try actions.quarantine(job: failed.seq, input: "web/\(Self.web)").get()
    #expect(try h.runUntilIdle().failed.isEmpty)
    let job = try #require(try h.context().ledger.job(failed.seq))
    #expect(job.status == .done && job.inputs.isEmpty)
    #expect(job.counts == JobCounts(), "\(job.counts)")
    #expect(try h.artifacts()["o1"] == nil)
  }

  /// One job of two inputs whose reduce fails for good because web's archived file changed.
  func poisonedJob(_ h: EngineHarness) throws -> (job: UInt64, original: [UInt8]) {
    try h.deliver(source: "web", name: Self.web, lines: [eventLine(id: "w1", order: "o1", amount: "1.00")])
    try h.deliver(source: "shop", name: Self.shop, lines: [eventLine(id: "s1", order: "o2", amount: "2.00")])
    let context = try h.context()
    _ = try InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: h.clock
    ).scan()
    let archived = "\(h.root)/archive/web/\(Self.web)"
    let original = try FileSystem.readAll(archived)
    try FileSystem.writeAtomically(Array("tampered\n".utf8), to: archived)
    let report = try h.runUntilIdle()
    let failed = try #require(report.failed.first)
    #expect(failed.stage == .reduce && failed.inputs.count == 2)
    return (failed.seq, original)
  }

  @Test func aPoisonedInputIsSetAsideTheRestProceedsAndItIsAppliedOnceReleased() throws {
    let h = try EngineHarness()
    let (job, original) = try poisonedJob(h)
    let log = InMemoryAuditLog()
    let actions = OperatorActions(context: try h.context(), auditLog: log, osUser: "ops", via: "test")
    let set = try actions.quarantine(job: job, input: "web/\(Self.web)").get()
    #expect(set.batch.source == "web")
    #expect(try h.runUntilIdle().failed.isEmpty)
    #expect(try h.artifacts()["o2"]?.summary.totals[.usd]?.balance == 200)
    #expect(try h.artifacts()["o1"] == nil)
    let ledger = try h.context().ledger
    #expect(try ledger.quarantinedInputBatches().map(\.id) == [set.id])
    // The quarantined interval is not applied: web's watermark has not moved.
    #expect(try ledger.sourceIntervals()["web"]?.map(\.done) == [false])
    #expect(FileSystem.exists("\(h.root)/archive/web/\(Self.web)"))
    let status = try StatusReport.build(try h.context())
    #expect(status.quarantined.map(\.id) == [set.id])
    #expect(status.text().contains("  \(set.id) web/\(Self.web) since "))
    // Its interval waits for a release, not for the engine: it reads quarantined.
    let web = try #require(status.sources.first { $0.source == "web" })
    #expect(web.watermark.gaps.map(Watermark.describe) == ["quarantined"])
    #expect(status.text().contains(" quarantined\n"), "\(status.text())")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(try status.json().utf8)) as? [String: Any])
    let listed = try #require(json["quarantined_inputs"] as? [[String: Any]])
    #expect(listed.first?["name"] as? String == Self.web)

    try FileSystem.writeAtomically(original, to: "\(h.root)/archive/web/\(Self.web)")
    _ = try actions.release(input: String(set.id)).get()
    #expect(try h.runUntilIdle().failed.isEmpty)
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 100)
    #expect(try ledger.quarantinedInputBatches().isEmpty)
    #expect(
      log.records.map { "\($0.action) \($0.details["outcome"] ?? "")" } == [
        "quarantine requested", "quarantine quarantined", "release requested", "release released",
      ])
  }

  @Test func onlyABatchThatFailedBeforeWritingOutputCanLoseAnInput() throws {
    let h = try EngineHarness(storage: .inMemory)
    try h.deliver(source: "web", name: Self.web, lines: [eventLine(id: "w1", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    let actions = OperatorActions(context: try h.context(), auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    #expect(
      actions.quarantine(job: 1, input: "1")
        == .failure(
          .refused(
            "batch 1 is done at index; an input can be set aside only while its batch has failed at reduce or prefetch, before any of its output was written"
          )))
    #expect(actions.quarantine(job: 1, input: "shop/x") == .failure(.unknownInput("shop/x", job: 1)))
    #expect(actions.quarantine(job: 9, input: "1") == .failure(.unknownJob(9)))
    #expect(actions.release(input: "1") == .failure(.notQuarantined("1")))
  }
}
