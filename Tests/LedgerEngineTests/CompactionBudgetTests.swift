import Foundation
import LedgerDomain
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerEngine

/// A compaction pass copies at most its budget of live bytes; the rest waits for later passes,
/// and every lookup stays right throughout.
@Suite struct CompactionBudgetTests {
  @Test(arguments: EngineHarness.Storage.available)
  func aTinyBudgetRewritesOneSparsePartPerPassAndConvergesToTheSameExport(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try CompactionTests.churn(h)
    try h.runUntilIdle(maxInputsPerJob: 1)
    let before = try CompactionTests.export(h)
    let context = try h.context()
    var rewritten: [Int] = []
    for pass in 1...12 {
      let report = try Compactor(context: context, rewriteBudget: 1).run(through: 1_000, pass: UInt64(1_000 + pass))
      rewritten.append(report.rewrittenParts)
      #expect(report.rewrittenParts <= 1)
      #expect(try CompactionTests.export(h) == before)
    }
    #expect(rewritten.contains(1))
    let final = try Compactor(context: context).run(through: 1_000, pass: 2_000)
    #expect(Double(final.liveBytes) >= 0.5 * Double(final.totalBytesAfter))
  }
}
