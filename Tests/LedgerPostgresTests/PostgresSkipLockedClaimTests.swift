import Foundation
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerPostgres

/// Claims in a fleet skip what another process is changing: a job whose row another session
/// holds is passed over at once (`FOR UPDATE SKIP LOCKED`), not waited for.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
struct PostgresSkipLockedClaimTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  /// Two jobs of one input each; job 1 reduced into two partitions, job 2 waiting for reduce.
  static func twoJobs(_ ledger: PostgresWorkflowLedger) throws {
    _ = try ledger.register(
      ["a", "b"].enumerated().map { n, name in
        NewInputBatch(
          source: "web", name: "\(name).jsonl", from: Int64(n) * 60, to: Int64(n + 1) * 60, bytes: 5,
          archivePath: "archive/web/\(name).jsonl", scan: 1)
      }, at: 1)
    _ = try ledger.createJob(inputs: [1], partitions: 2, at: 2)
    _ = try ledger.createJob(inputs: [2], partitions: 2, at: 3)
    try ledger.completeTask(.reduce(1), attempt: try ledger.beginTask(.reduce(1), at: 4), counts: JobCounts(), at: 5)
  }

  @Test func aJobAnotherSessionHoldsIsSkippedNotWaitedFor() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let ledger = try PostgresWorkflowLedger(location: location)
    try Self.twoJobs(ledger)
    let process = try ledger.registerProcess(NewProcess(host: "h", pid: 1, osUser: "ops"), at: 5).id
    let holder = try PGDatabase(location)
    let candidates: [TaskRef] = [.partition(0, of: 1, .prefetch), .partition(1, of: 1, .prefetch), .reduce(2)]
    try holder.transaction { session in
      // Another process is in the middle of changing job 1 (its row locked until it commits).
      _ = try session.query("SELECT seq FROM jobs WHERE seq = 1 FOR UPDATE", [])
      let started = ContinuousClock.now
      let claimed = try #require(try ledger.beginFirstTask(of: candidates, at: 6, by: process))
      #expect(claimed.task == .reduce(2) && claimed.attempt == 1)
      #expect(ContinuousClock.now - started < .seconds(2), "the claim waited for the held row")
      // Nothing else is free now: job 1 is held, job 2's reduce runs.
      #expect(try ledger.beginFirstTask(of: candidates, at: 7, by: process) == nil)
    }
    // Released: job 1's partitions are claimed in order.
    #expect(try ledger.beginFirstTask(of: candidates, at: 8, by: process)?.task == .partition(0, of: 1, .prefetch))
    #expect(try ledger.beginFirstTask(of: candidates, at: 9, by: process)?.task == .partition(1, of: 1, .prefetch))
    #expect(try ledger.stageRuns(job: 1).filter { $0.stage == .prefetch }.map(\.process) == [process, process])
    // An ended process claims nothing.
    try ledger.endProcess(process, note: "stopped", at: 10)
    let refused = #expect(throws: LedgerError.self) {
      _ = try ledger.beginFirstTask(of: [.partition(0, of: 1, .prefetch)], at: 11, by: process)
    }
    guard case .processEnded(process)? = refused else {
      Issue.record("expected processEnded(\(process)), got \(String(describing: refused))")
      return
    }
  }
}
