import Foundation
import Glibc
import LedgerDomain
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// Faults below the engine: the N-th write, fsync, rename or link of a job fails with ENOSPC or
/// EIO, for every N the job makes. Each run fails cleanly (a file-system error, or a batch left
/// to retry, never a crash or a half-applied batch), and once the fault clears the final state
/// equals a clean run's.
@Suite struct FileSystemFaultTests {
  static func deliver(_ h: EngineHarness) throws {
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [
        eventLine(id: "w1", order: "o1", amount: "10.00"), eventLine(id: "w2", order: "o2", amount: "-3.00"),
        "not json",
      ])
    try h.deliver(
      source: "shop", name: "20261127T100000Z_20261127T101500Z.csv",
      lines: ["id,order_id,amount", "s1,o1,2.50", "s2,o3,7.00"])
  }

  /// What must come out the same: every artifact's lines and totals, the rejects, and how many
  /// input batches the ledger registered.
  static func outcome(_ h: EngineHarness) throws -> [String] {
    var out = try h.artifacts().values.map { view in
      "\(view.summary.orderID) \(view.summary.totals) \(view.lines.map(\.id))"
    }.sorted()
    let context = try h.context()
    let rejects = try FileSystem.listIfPresent(context.paths.rejects).map {
      try FileSystem.readText("\(context.paths.rejects)/\($0)")
    }
    out.append("rejects: \(rejects.sorted())")
    let registered = try ["web", "shop"].map { try context.ledger.inputBatches(source: $0).count }
    out.append("registered: \(registered)")
    return out
  }

  /// A run with the `n`-th file-system call failing with `code`, then a run with no fault.
  static func faultedThenClean(n: Int, code: Int32) throws -> (outcome: [String], failed: Bool) {
    let h = try EngineHarness()
    try deliver(h)
    let rule = FileSystemFaults.shared.inject(under: h.root, failAt: n, errno: code)
    do {
      let report = try h.runUntilIdle()
      _ = report
    } catch let error as FileSystemError {
      // The engine stopped on the error: it names the injected call and nothing else broke.
      #expect(error.errno == code, "\(error)")
      #expect(error.operation.hasSuffix("(injected)"), "\(error)")
    }
    let (_, failed) = FileSystemFaults.shared.remove(rule)
    let report = try h.runUntilIdle()
    for job in report.failed {
      _ = try h.context().ledger.retry(job: job.seq, at: h.clock.nowMillis())
    }
    if !report.failed.isEmpty { try h.runUntilIdle() }
    return (try outcome(h), failed)
  }

  @Test func everyFailingCallOfAJobFailsCleanlyAndTheStateRecovers() throws {
    let clean = try EngineHarness()
    try Self.deliver(clean)
    let counter = FileSystemFaults.shared.inject(under: clean.root, failAt: .max, errno: EIO)
    try clean.runUntilIdle()
    let calls = FileSystemFaults.shared.remove(counter).seen
    let expected = try Self.outcome(clean)
    #expect(calls >= 20, "a job makes \(calls) counted file-system calls")
    for n in 1...calls {
      let code = n % 2 == 0 ? ENOSPC : EIO
      let (outcome, failed) = try Self.faultedThenClean(n: n, code: code)
      #expect(failed, "call \(n) was never made")
      #expect(outcome == expected, "after call \(n) failed with errno \(code)")
    }
  }
}
