import Glibc
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// A background merge of the key index's runs that fails is reported in the operator feed (once
/// per engine run that sees it), and the batches are applied all the same.
@Suite struct IndexMergeFailureTests {
  @Test func aFailedMergeIsReportedOnceAndNothingIsLost() throws {
    let h = try EngineHarness()
    let rule = FileSystemFaults.shared.inject(
      under: h.root + "/index-runs/m", operations: [.rename], failAt: 1, errno: EIO)
    defer { FileSystemFaults.shared.remove(rule) }
    for batch in 0..<4 {
      try h.deliver(
        source: "web", name: "20261127T1\(batch)0000Z_20261127T1\(batch)1500Z.jsonl",
        lines: (0..<16).map { eventLine(id: "e\(batch)-\($0)", order: "o\($0)", amount: "1.00") })
      try h.runUntilIdle()
    }
    #expect(FileSystemFaults.shared.remove(rule).failed, "no merge was attempted")
    let reports = try h.context().ledger.recentEvents(limit: 200).filter {
      $0.kind == .failure && $0.text.contains("background merge")
    }
    #expect(!reports.isEmpty && reports.count <= 4, "\(reports.map(\.text))")
    #expect(reports.allSatisfy { $0.text.contains("rename") && $0.job == nil })
    let artifacts = try h.artifacts()
    #expect(artifacts.count == 16)
    #expect(artifacts.values.allSatisfy { $0.lines.count == 4 }, "\(artifacts.values.map(\.lines.count))")
  }
}
