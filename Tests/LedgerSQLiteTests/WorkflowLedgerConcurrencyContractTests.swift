import Foundation
import LedgerStorage
import LedgerTesting
import Synchronization
import Testing

/// The `WorkflowLedger` contract under concurrent callers, each with its own handle (its own
/// connection where the backend has connections, as processes sharing a ledger would): a task
/// is claimed by one caller only, and a job's aggregate follows its partitions whatever order
/// their transitions commit in.
@Suite struct WorkflowLedgerConcurrencyContractTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  /// Runs `body(0)`, `body(1)` … `body(count - 1)` on threads of their own, released together
  /// once every thread has started.
  static func together(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let start = StartLine()
    let group = DispatchGroup()
    for n in 0..<count {
      group.enter()
      Thread.detachNewThread {
        start.arrived.add(1, ordering: .sequentiallyConsistent)
        while start.arrived.load(ordering: .sequentiallyConsistent) < count {}
        body(n)
        group.leave()
      }
    }
    group.wait()
  }

  final class StartLine: Sendable {
    let arrived = Atomic<Int>(0)
  }

  @Test(arguments: Backend.available)
  func aTaskIsClaimedByExactlyOneOfTwoCallers(backend: Backend) throws {
    let ledgers = try backend.workflowLedgers(in: directory, count: 2)
    let jobs = 12
    _ = try ledgers[0].register(
      (0..<jobs).map { n in WorkflowLedgerContractTests.batch("web", "b\(n).jsonl", from: Int64(n), to: Int64(n + 1)) },
      at: 1)
    for n in 0..<jobs { _ = try ledgers[0].createJob(inputs: [Int64(n + 1)], partitions: 2, at: 2) }
    for job in 1...UInt64(jobs) {
      // Both callers try to claim the job's reduce, then both its partition 1's prefetch.
      let claims = Mutex<[Result<Int, any Error>]>([])
      Self.together(2) { n in
        let outcome = Result { try ledgers[n].beginTask(.reduce(job), at: 10) }
        claims.withLock { $0.append(outcome) }
      }
      let reduce = claims.withLock { $0 }
      #expect(reduce.compactMap { try? $0.get() } == [1], "job \(job): \(reduce)")
      #expect(reduce.filter { if case .failure(let e) = $0 { e is LedgerError } else { false } }.count == 1)
      try ledgers[1].completeTask(.reduce(job), attempt: 1, counts: JobCounts(), at: 20)
      let prefetch = Mutex<[Result<Int, any Error>]>([])
      Self.together(2) { n in
        let outcome = Result { try ledgers[n].beginTask(.partition(1, of: job, .prefetch), at: 30) }
        prefetch.withLock { $0.append(outcome) }
      }
      #expect(prefetch.withLock { $0 }.compactMap { try? $0.get() } == [1], "job \(job)")
      #expect(try ledgers[0].stageRuns(job: job).count == 2)
      #expect(try ledgers[1].partitionTasks(job: job)[1].state.attempts == 1)
    }
  }

  @Test(arguments: Backend.available)
  func partitionsMovedAtTheSameTimeLeaveTheJobsAggregateRight(backend: Backend) throws {
    let ledgers = try backend.workflowLedgers(in: directory, count: 2)
    let partitions = 4
    _ = try ledgers[0].register(
      (0..<6).map { n in WorkflowLedgerContractTests.batch("web", "b\(n).jsonl", from: Int64(n), to: Int64(n + 1)) },
      at: 1)
    for job in UInt64(1)...6 {
      _ = try ledgers[0].createJob(inputs: [Int64(job)], partitions: partitions, at: 2)
      let attempt = try ledgers[0].beginTask(.reduce(job), at: 3)
      try ledgers[0].completeTask(.reduce(job), attempt: attempt, counts: JobCounts(), at: 4)
      let failures = Mutex<[String]>([])
      // Each partition runs every stage on a caller of its own; their commits interleave.
      Self.together(partitions) { p in
        do {
          for stage in [Stage.prefetch, .process, .index] {
            let task = TaskRef.partition(p, of: job, stage)
            let attempt = try ledgers[p % 2].beginTask(task, at: 10)
            var counts = JobCounts()
            counts.linesApplied = 1
            try ledgers[(p + 1) % 2].completeTask(task, attempt: attempt, counts: counts, at: 11)
          }
        } catch {
          failures.withLock { $0.append("partition \(p): \(error)") }
        }
      }
      #expect(failures.withLock { $0 } == [])
      let record = try #require(try ledgers[1].job(job))
      #expect(record.status == .done && record.stage == .index, "job \(job): \(record.status) at \(record.stage)")
      #expect(record.counts.linesApplied == Int64(3 * partitions))
    }
    #expect(try ledgers[0].unfinishedJobs() == [])
    #expect(try ledgers[1].unfinishedPartitionTasks() == [])
  }

  @Test(arguments: Backend.available)
  func callersRegisteringAndGroupingAtOnceGetDistinctGapFreeNumbers(backend: Backend) throws {
    let ledgers = try backend.workflowLedgers(in: directory, count: 2)
    let failures = Mutex<[String]>([])
    for round in 0..<5 {
      Self.together(2) { n in
        do {
          let name = "r\(round)-c\(n).jsonl"
          let from = Int64(round * 10 + n)
          let batch = WorkflowLedgerContractTests.batch("web", name, from: from, to: from + 1)
          let registered = try ledgers[n].register([batch], at: 1)
          _ = try ledgers[n].createJob(inputs: registered.map(\.id), partitions: 1, at: 2)
        } catch {
          failures.withLock { $0.append("round \(round), caller \(n): \(error)") }
        }
      }
    }
    #expect(failures.withLock { $0 } == [])
    #expect(try ledgers[0].inputBatches(source: "web").map(\.id) == Array(1...10))
    #expect(try ledgers[1].unfinishedJobs().map(\.seq) == Array(1...10))
    #expect(try ledgers[0].unfinishedJobs().allSatisfy { $0.inputs.count == 1 })
  }
}
