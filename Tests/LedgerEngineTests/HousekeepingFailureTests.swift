import Glibc
import LedgerDomain
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// Housekeeping after a stage (deleting intermediate parts, compaction) never runs inside the
/// stage's failure path: when it throws, the job stays done and the feed says what happened.
@Suite struct HousekeepingFailureTests {
  @Test(arguments: EngineHarness.Storage.available)
  func aJobStaysDoneWhenHousekeepingAfterItThrows(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    // Reduce first clears its own earlier outputs (one remove per partition); the next remove
    // of a stateless part is housekeeping's, after indexing: it fails with EIO.
    let partitions = try h.context().partitions
    let rule = FileSystemFaults.shared.inject(
      under: "\(h.root)/parts/s-", operations: [.remove], failAt: partitions + 1, errno: EIO)
    let report = try h.runUntilIdle()
    let (_, failed) = FileSystemFaults.shared.remove(rule)
    #expect(failed)
    #expect(report.failed.isEmpty)
    let job = try #require(try h.context().ledger.job(1))
    #expect(job.status == .done && job.lastError == nil)
    let feed = try h.context().ledger.recentEvents(limit: 20).map(\.text)
    #expect(
      feed.contains {
        $0.hasPrefix("batch 1 partition ")
          && $0.contains(" index is done, but housekeeping after it failed: could not remove")
      }, "\(feed)")
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 100)
  }
}
