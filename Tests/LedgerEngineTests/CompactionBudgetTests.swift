import Foundation
import LedgerDomain
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerEngine

/// A compaction pass looks at most at its budget of live bytes (as recorded); the rest waits for
/// later passes, and every lookup stays right throughout.
@Suite struct CompactionBudgetTests {
  @Test(arguments: EngineHarness.Storage.available)
  func aSmallBudgetSpreadsTheWorkOverPassesAndConvergesToTheSameExport(storage: EngineHarness.Storage) throws {
    let (h, before) = try CompactionTests.churned(storage)
    let context = try h.context()
    let unbudgeted = CompactionTests.partBytes(h)
    // A budget of about a third of the recorded live bytes of the sparse parts.
    let garbage = try context.keyIndex.recordedGarbage()
    let sizes = try PartNames.artifactPartSizes(in: h.paths.parts)
    let sparse = sizes.filter { name, size in Double(size - (garbage[name]?.bytes ?? 0)) < 0.6 * Double(size) }
    let budget = sparse.reduce(Int64(0)) { $0 + $1.value - (garbage[$1.key]?.bytes ?? 0) } / 3
    var rewritten: [Int] = []
    var examined: [Int] = []
    var bytes = unbudgeted
    for pass in 1...12 {
      let report = try Compactor(context: context, rewriteBudget: budget).run(
        through: 1_000, pass: UInt64(1_000 + pass))
      rewritten.append(report.rewrittenParts)
      examined.append(report.examinedParts)
      #expect(report.totalBytesAfter <= bytes)
      bytes = report.totalBytesAfter
      #expect(try CompactionTests.export(h) == before)
    }
    #expect(rewritten.contains { $0 > 0 })
    // The first pass did not look at every sparse part: the budget held it back.
    #expect(sparse.count > 3)
    #expect(examined[0] < sparse.count, "\(examined) of \(sparse.count)")
    let final = try Compactor(context: context).run(through: 1_000, pass: 2_000)
    #expect(Double(final.liveBytes) >= 0.5 * Double(final.totalBytesAfter))
  }
}
