import LedgerDomain
import LedgerStorage
import Testing

@testable import LedgerEngine

/// The scheduler with jobs whose reduce has several input ranges: ranges run side by side within
/// the reducers limit, the last one opens the job's partitions, a failed one waits for the
/// operator, and a later job waits until every range of an earlier one runs.
@Suite struct PartitionSchedulerRangeTests {
  typealias S = PartitionScheduler
  typealias T = PartitionSchedulerTests

  static func job(_ seq: UInt64, ranges: Int, partitions: Int = 2) -> S.Job {
    S.Job(
      seq: seq, state: TaskState(stage: .reduce), partitionCount: partitions,
      ranges: Array(repeating: TaskState(stage: .reduce), count: ranges))
  }

  @Test func rangesRunSideBySideAndTheLastOneOpensThePartitions() throws {
    var s = S(jobs: [Self.job(1, ranges: 3)], limits: S.Limits(reducers: 2))
    #expect(T.starts(s.decide()) == [.reduce(1), .reduce(1, range: 1)])
    try s.handle(.started(.reduce(1, range: 1)))
    try s.handle(.started(.reduce(1)))
    #expect(T.starts(s.decide()).isEmpty)
    try s.handle(.succeeded(.reduce(1, range: 1), attempt: 1))
    #expect(s.jobs[0].partitions.isEmpty && s.jobs[0].state.stage == .reduce && s.jobs[0].state.status == .running)
    #expect(T.starts(s.decide()) == [.reduce(1, range: 2)])
    try s.handle(.started(.reduce(1, range: 2)))
    try s.handle(.succeeded(.reduce(1), attempt: 1))
    #expect(s.jobs[0].partitions.isEmpty && s.jobs[0].state.status == .running)
    try s.handle(.succeeded(.reduce(1, range: 2), attempt: 1))
    #expect(s.jobs[0].ranges.map(\.status) == [.done, .done, .done])
    #expect(s.jobs[0].partitions == [TaskState(stage: .prefetch), TaskState(stage: .prefetch)])
    #expect(T.starts(s.decide()) == [.partition(0, of: 1, .prefetch), .partition(1, of: 1, .prefetch)])
  }

  @Test func aFailedRangeHoldsTheJobAndTheOperatorsRetryTakesOnlyIt() throws {
    var s = S(jobs: [Self.job(1, ranges: 2)], limits: S.Limits(reducers: 2))
    try T.run(.reduce(1), in: &s)
    try s.handle(.started(.reduce(1, range: 1)))
    try s.handle(.failed(.reduce(1, range: 1), attempt: 1, retryAt: nil))
    #expect(s.jobs[0].state.status == .failed && s.jobs[0].state.stage == .reduce)
    #expect(s.decide() == [.idle(blocked: [1])])
    try s.handle(.operatorRetry(job: 1))
    #expect(s.jobs[0].ranges.map(\.status) == [.done, .pending])
    #expect(s.jobs[0].ranges[1].attempts == 0)
    #expect(T.starts(s.decide()) == [.reduce(1, range: 1)])
    // Nothing of the job is failed any more: another retry is refused.
    #expect(throws: S.Refusal.self) { try s.handle(.operatorRetry(job: 1)) }
  }

  @Test func aLaterJobReducesOnlyOnceEveryRangeOfTheEarlierOneRuns() throws {
    var s = S(
      jobs: [Self.job(1, ranges: 2), Self.job(2, ranges: 1)], limits: S.Limits(reducedAhead: 2, reducers: 3))
    #expect(T.starts(s.decide()) == [.reduce(1), .reduce(1, range: 1)])
    try s.handle(.started(.reduce(1)))
    #expect(T.starts(s.decide()) == [.reduce(1, range: 1)])
    try s.handle(.started(.reduce(1, range: 1)))
    // Job 1 counts once against `reducedAhead`, whatever its ranges running.
    #expect(T.starts(s.decide()) == [.reduce(2)])
  }

  @Test func rangesOfADoneOrUnknownNumberAreRefused() throws {
    var s = S(jobs: [Self.job(1, ranges: 2)], limits: S.Limits(reducers: 2))
    #expect(throws: S.Refusal.self) { try s.handle(.started(.reduce(1, range: 2))) }
    try T.run(.reduce(1), in: &s)
    let before = s
    #expect(throws: S.Refusal.self) { try s.handle(.started(.reduce(1))) }
    #expect(throws: S.Refusal.self) { try s.handle(.succeeded(.reduce(1), attempt: 1)) }
    #expect(throws: S.Refusal.self) { try s.handle(.interrupted(.reduce(1, range: 1))) }
    #expect(s == before)
  }

  /// Built from the ledger: done ranges are not listed; running ones count as running.
  @Test func aScheduleFromTheLedgerFillsInTheDoneRanges() {
    var record = JobRecord(
      seq: 7, inputs: [1], stage: .reduce, status: .running, attempts: 1, nextAttemptAt: nil, lastError: nil,
      lastErrorKind: nil, counts: JobCounts(), timings: [:], createdAt: 0)
    record.partitions = 2
    let ranges = [
      ReduceRangeRecord(job: 7, range: 1, state: TaskState(stage: .reduce, status: .running, attempts: 1)),
      ReduceRangeRecord(job: 7, range: 2, state: TaskState(stage: .reduce)),
    ]
    let s = S(
      ledgerJobs: [record], ranges: ranges, partitions: [], waitingInputs: 0, held: [], compacting: false, now: 0,
      limits: S.Limits(reducers: 2))
    #expect(s.jobs[0].ranges.map(\.status) == [.done, .running, .pending])
    #expect(s.running == [.reduce(7, range: 1)])
    #expect(T.starts(s.decide()) == [.reduce(7, range: 2)])
  }
}
