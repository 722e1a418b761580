import LedgerStorage
import LedgerTesting
import Testing

/// The partition tasks of the `WorkflowLedger` contract, on every backend.
extension WorkflowLedgerContractTests {
  /// A ledger with one job of `partitions` partitions, reduced (its partitions at prefetch).
  static func reduced(_ backend: Backend, in directory: TemporaryDirectory, partitions: Int) throws
    -> any WorkflowLedger
  {
    let ledger = try Self.ledger(backend, in: directory, batches: 2, jobs: 0)
    _ = try ledger.createJob(inputs: [1], partitions: partitions, at: 50)
    let attempt = try ledger.beginTask(.reduce(1), at: 60)
    try ledger.completeTask(.reduce(1), attempt: attempt, counts: Self.counts { $0.events = 10 }, at: 70)
    return ledger
  }

  /// A claim among candidates takes the first that can begin, passing over one already running
  /// or at another stage, and takes none when none can.
  @Test(arguments: Backend.available)
  func beginFirstTaskTakesTheFirstCandidateThatCanBegin(backend: Backend) throws {
    let ledger = try Self.reduced(backend, in: directory, partitions: 3)
    #expect(try ledger.beginTask(.partition(0, of: 1, .prefetch), at: 80) == 1)
    let candidates: [TaskRef] = [
      .partition(0, of: 1, .prefetch), .partition(1, of: 1, .process), .partition(2, of: 1, .prefetch),
      .partition(1, of: 1, .prefetch),
    ]
    let first = try #require(try ledger.beginFirstTask(of: candidates, at: 90, by: nil))
    #expect(first.task == .partition(2, of: 1, .prefetch) && first.attempt == 1)
    #expect(try ledger.partitionTasks(job: 1)[2].state.status == .running)
    let second = try #require(try ledger.beginFirstTask(of: candidates, at: 91, by: nil))
    #expect(second.task == .partition(1, of: 1, .prefetch))
    #expect(try ledger.beginFirstTask(of: candidates, at: 92, by: nil) == nil)
    #expect(try ledger.beginFirstTask(of: [], at: 92, by: nil) == nil)
    // Each claim began exactly one attempt.
    #expect(try ledger.stageRuns(job: 1).filter { $0.stage == .prefetch }.count == 3)
  }

  @Test(arguments: Backend.available)
  func reduceOpensEveryPartitionAndTheirCountsAddUp(backend: Backend) throws {
    let ledger = try Self.reduced(backend, in: directory, partitions: 3)
    #expect(try ledger.partitionTasks(job: 1).map(\.partition) == [0, 1, 2])
    #expect(try ledger.partitionTasks(job: 1).allSatisfy { $0.state == TaskState(stage: .prefetch) })
    #expect(try ledger.job(1)?.partitions == 3)
    for p in 0..<3 {
      for stage in [Stage.prefetch, .process, .index] {
        let task = TaskRef.partition(p, of: 1, stage)
        let attempt = try ledger.beginTask(task, at: 100)
        try ledger.completeTask(
          task, attempt: attempt,
          counts: stage == .process ? Self.counts { $0.linesApplied = Int64(p + 1) } : JobCounts(),
          at: 110)
      }
      let job = try #require(try ledger.job(1))
      #expect(job.status == (p == 2 ? .done : .pending))
      #expect(job.stage == (p == 2 ? .index : .prefetch))
    }
    let job = try #require(try ledger.job(1))
    #expect(job.counts.events == 10 && job.counts.linesApplied == 6)
    #expect(try ledger.unfinishedPartitionTasks().isEmpty)
    #expect(try ledger.partitionTasks(job: 1).allSatisfy { $0.state.status == .done })
  }

  @Test(arguments: Backend.available)
  func anOutcomeCountsOnlyUnderTheAttemptThatHoldsTheTask(backend: Backend) throws {
    let ledger = try Self.reduced(backend, in: directory, partitions: 2)
    let task = TaskRef.partition(1, of: 1, .prefetch)
    let first = try ledger.beginTask(task, at: 100)
    #expect(first == 1)
    // A second claim of a running task is refused; so is a claim at the wrong stage.
    #expect(throws: LedgerError.self) { _ = try ledger.beginTask(task, at: 101) }
    #expect(throws: LedgerError.self) { _ = try ledger.beginTask(.partition(0, of: 1, .process), at: 101) }
    #expect(throws: LedgerError.self) { _ = try ledger.beginTask(.partition(5, of: 1, .prefetch), at: 101) }
    #expect(throws: LedgerError.self) { _ = try ledger.beginTask(.reduce(1), at: 101) }  // done
    // The holder stalls; the task is handed to another attempt.
    try ledger.resetInterruptedStages(at: 200)
    let second = try ledger.beginTask(task, at: 210)
    #expect(second == 2)
    // The stale holder's outcome is refused and changes nothing.
    let stale = try #require(throws: LedgerError.self) {
      try ledger.completeTask(task, attempt: first, counts: Self.counts { $0.keys = 99 }, at: 220)
    }
    #expect(stale.description == LedgerError.notRunning(job: 1, stage: "partition 1 prefetch").description)
    #expect(throws: LedgerError.self) {
      try ledger.failTask(task, attempt: first, kind: .transientIO, message: "late", nextAttemptAt: 300, at: 220)
    }
    #expect(try ledger.partitionTasks(job: 1)[1].state == TaskState(stage: .prefetch, status: .running, attempts: 2))
    try ledger.completeTask(task, attempt: second, counts: JobCounts(), at: 230)
    #expect(try ledger.partitionTasks(job: 1)[1].state == TaskState(stage: .process))
    #expect(try ledger.job(1)?.counts.keys == 0)
    #expect(
      try ledger.stageRuns(job: 1).filter { $0.partition == 1 }.map(\.outcome) == ["interrupted", "ok"])
  }

  @Test(arguments: Backend.available)
  func aJobShowsItsFailedPartitionAndRetryTouchesOnlyThatOne(backend: Backend) throws {
    let ledger = try Self.reduced(backend, in: directory, partitions: 3)
    let a0 = try ledger.beginTask(.partition(0, of: 1, .prefetch), at: 100)
    try ledger.completeTask(.partition(0, of: 1, .prefetch), attempt: a0, counts: JobCounts(), at: 150)
    let a1 = try ledger.beginTask(.partition(1, of: 1, .prefetch), at: 100)
    try ledger.failTask(
      .partition(1, of: 1, .prefetch), attempt: a1, kind: .corruptData, message: "bad crc", nextAttemptAt: nil, at: 400)
    _ = try ledger.beginTask(.partition(2, of: 1, .prefetch), at: 100)
    var job = try #require(try ledger.job(1))
    #expect(job.stage == .prefetch && job.status == .failed && job.lastError == "bad crc")
    #expect(try ledger.unfinishedJobs().map(\.status) == [.failed])
    // Timings: the slowest partition's working time; attempts: the most-attempted partition's.
    #expect(job.timings[.prefetch] == StageTiming(startedAt: 100, endedAt: 400, workingMillis: 300, waitingMillis: 0))
    #expect(job.timings[.prefetch]?.waiting == nil)
    #expect(job.totalAttempts == 2)
    #expect(try ledger.retry(job: 1, at: 500))
    let states = try ledger.partitionTasks(job: 1).map(\.state)
    #expect(states.map(\.status) == [.pending, .pending, .running])
    #expect(states.map(\.stage) == [.process, .prefetch, .prefetch])
    #expect(states[1].attempts == 0 && states[1].lastError == "bad crc")
    job = try #require(try ledger.job(1))
    #expect(job.status == .running && job.stage == .prefetch)
    #expect(try !ledger.retry(job: 1, at: 600))
    #expect(try ledger.unfinishedPartitionTasks().map(\.partition) == [0, 1, 2])
  }

  @Test(arguments: Backend.available)
  func anInputIsSetAsideOnlyBeforeAnyPartitionWroteOutput(backend: Backend) throws {
    let ledger = try Self.reduced(backend, in: directory, partitions: 2)
    let a = try ledger.beginTask(.partition(0, of: 1, .prefetch), at: 100)
    try ledger.completeTask(.partition(0, of: 1, .prefetch), attempt: a, counts: JobCounts(), at: 110)
    let b = try ledger.beginTask(.partition(1, of: 1, .prefetch), at: 100)
    try ledger.failTask(
      .partition(1, of: 1, .prefetch), attempt: b, kind: .corruptData, message: "bad", nextAttemptAt: nil, at: 120)
    // Partition 0 is at process: its output may be written any time.
    #expect(throws: LedgerError.self) { try ledger.quarantine(input: 1, job: 1, at: 130) }
    try ledger.rewind(job: 1, partition: 0, to: .prefetch)
    try ledger.quarantine(input: 1, job: 1, at: 140)
    let job = try #require(try ledger.job(1))
    #expect(job.stage == .reduce && job.status == .pending && job.inputs == [])
    #expect(try ledger.partitionTasks(job: 1).isEmpty)
    // Reduced again, the job opens fresh partitions.
    let again = try ledger.beginTask(.reduce(1), at: 150)
    try ledger.completeTask(.reduce(1), attempt: again, counts: JobCounts(), at: 160)
    #expect(
      try ledger.partitionTasks(job: 1).map(\.state) == [TaskState(stage: .prefetch), TaskState(stage: .prefetch)])
  }
}

extension WorkflowLedgerContractTests {
  /// Partitions starting at different times are not waiting; a partition's own retry is.
  @Test(arguments: [Backend.sqlite, .inMemory])
  func aStageWaitsOnlyWhenAPartitionWaitedBetweenItsAttempts(backend: Backend) throws {
    let ledger = try Self.reduced(backend, in: directory, partitions: 2)
    let p0 = TaskRef.partition(0, of: 1, .prefetch)
    let p1 = TaskRef.partition(1, of: 1, .prefetch)
    try ledger.completeTask(p0, attempt: try ledger.beginTask(p0, at: 100), counts: JobCounts(), at: 150)
    let first = try ledger.beginTask(p1, at: 300)
    try ledger.completeTask(p1, attempt: first, counts: JobCounts(), at: 340)
    var timing = try #require(try ledger.job(1)?.timings[.prefetch])
    #expect(timing.startedAt == 100 && timing.endedAt == 340 && timing.working == 50)
    #expect(timing.waiting == nil)
    let q0 = TaskRef.partition(0, of: 1, .process)
    let q1 = TaskRef.partition(1, of: 1, .process)
    try ledger.completeTask(q0, attempt: try ledger.beginTask(q0, at: 400), counts: JobCounts(), at: 420)
    let a = try ledger.beginTask(q1, at: 400)
    try ledger.failTask(q1, attempt: a, kind: .transientIO, message: "eio", nextAttemptAt: 500, at: 410)
    try ledger.completeTask(q1, attempt: try ledger.beginTask(q1, at: 500), counts: JobCounts(), at: 530)
    timing = try #require(try ledger.job(1)?.timings[.process])
    // Partition 1 worked 10 + 30 ms and waited 90 ms between its attempts.
    #expect(timing.working == 40 && timing.waiting == 90)
  }
}
