import LedgerDomain
import LedgerStorage
import Testing

@testable import LedgerEngine

/// The scheduler as a pure state machine, without storage: the order it keeps per partition,
/// its limits, retries, operator actions, and that it refuses what cannot happen.
@Suite struct PartitionSchedulerTests {
  typealias S = PartitionScheduler

  static func starts(_ actions: [S.Action]) -> [TaskRef] {
    actions.compactMap { if case .start(let task) = $0 { task } else { nil } }
  }

  /// A scheduler with `jobs` jobs of `partitions` partitions, created from waiting inputs.
  static func scheduler(jobs: Int, partitions: Int, limits: S.Limits = S.Limits()) throws -> S {
    var s = S(jobs: [], limits: limits)
    try s.handle(.inputsWaiting(count: jobs))
    for seq in 1...jobs { try s.handle(.jobCreated(seq: UInt64(seq), partitions: partitions, inputs: 1)) }
    return s
  }

  /// Runs `task` to success (start, succeed with its attempt).
  static func run(_ task: TaskRef, in s: inout S) throws {
    try s.handle(.started(task))
    try s.handle(.succeeded(task, attempt: Self.attempt(task, s)))
  }

  static func attempt(_ task: TaskRef, _ s: S) -> Int {
    guard let job = s.jobs.first(where: { $0.seq == task.job }) else { return 0 }
    return task.partition.map { job.partitions[$0].attempts } ?? job.ranges[task.range ?? 0].attempts
  }

  @Test func aJobGoesFromReduceThroughEachPartitionToDone() throws {
    var s = try Self.scheduler(jobs: 1, partitions: 2)
    #expect(s.decide() == [.start(.reduce(1))])
    try Self.run(.reduce(1), in: &s)
    #expect(Self.starts(s.decide()) == [.partition(0, of: 1, .prefetch), .partition(1, of: 1, .prefetch)])
    try Self.run(.partition(1, of: 1, .prefetch), in: &s)
    // Process of partition 1 comes before prefetch of partition 0: later stages first.
    #expect(Self.starts(s.decide()) == [.partition(1, of: 1, .process), .partition(0, of: 1, .prefetch)])
    try Self.run(.partition(1, of: 1, .process), in: &s)
    try Self.run(.partition(1, of: 1, .index), in: &s)
    #expect(s.jobs.map(\.state.stage) == [.prefetch])
    for stage in [Stage.prefetch, .process, .index] { try Self.run(.partition(0, of: 1, stage), in: &s) }
    #expect(s.jobs.isEmpty)
    #expect(s.decide() == [.idle(blocked: [])])
  }

  @Test func orderIsKeptPerPartitionOnly() throws {
    var s = try Self.scheduler(jobs: 2, partitions: 2)
    try Self.run(.reduce(1), in: &s)
    try Self.run(.reduce(2), in: &s)
    // Job 2 prefetches a partition only after job 1 processed it.
    #expect(!Self.starts(s.decide()).contains { $0.job == 2 })
    try Self.run(.partition(0, of: 1, .prefetch), in: &s)
    try Self.run(.partition(0, of: 1, .process), in: &s)
    #expect(Self.starts(s.decide()).contains(.partition(0, of: 2, .prefetch)))
    #expect(!Self.starts(s.decide()).contains(.partition(1, of: 2, .prefetch)))
    #expect(throws: S.Refusal.self) { try s.handle(.started(.partition(1, of: 2, .prefetch))) }
    // Partition 0 of job 2 is processed, but indexed only after job 1's partition 0.
    try Self.run(.partition(0, of: 2, .prefetch), in: &s)
    try Self.run(.partition(0, of: 2, .process), in: &s)
    #expect(!Self.starts(s.decide()).contains(.partition(0, of: 2, .index)))
    try Self.run(.partition(0, of: 1, .index), in: &s)
    #expect(Self.starts(s.decide()).contains(.partition(0, of: 2, .index)))
    // Partition 1 of job 1 failing does not hold partition 0 of job 2.
    try s.handle(.started(.partition(1, of: 1, .prefetch)))
    try s.handle(.failed(.partition(1, of: 1, .prefetch), attempt: 1, retryAt: nil))
    try Self.run(.partition(0, of: 2, .index), in: &s)
    #expect(s.jobs.map(\.seq) == [1, 2])
    #expect(s.jobs.map(\.state.status) == [.failed, .pending])
    #expect(s.decide() == [.idle(blocked: [1])])
    try s.handle(.operatorRetry(job: 1))
    #expect(Self.starts(s.decide()) == [.partition(1, of: 1, .prefetch)])
  }

  @Test func aRetryWaitsForItsDeadline() throws {
    var s = try Self.scheduler(jobs: 1, partitions: 1)
    try s.handle(.tick(now: 100))
    try s.handle(.started(.reduce(1)))
    #expect(s.decide() == [.wait(until: nil)])  // running: wake when it ends
    try s.handle(.failed(.reduce(1), attempt: 1, retryAt: 600))
    #expect(s.decide() == [.wait(until: 600)])
    try s.handle(.tick(now: 599))
    #expect(s.decide() == [.wait(until: 600)])
    try s.handle(.tick(now: 600))
    #expect(s.decide() == [.start(.reduce(1))])
    try s.handle(.started(.reduce(1)))
    #expect(Self.attempt(.reduce(1), s) == 2)
    // The outcome of the first attempt is refused: it no longer holds the task.
    #expect(throws: S.Refusal.self) { try s.handle(.succeeded(.reduce(1), attempt: 1)) }
    try s.handle(.succeeded(.reduce(1), attempt: 2))
  }

  /// A fleet's scheduler (`reducers` above one) lets the next job reduce while an earlier one
  /// reduces elsewhere; partitions still keep job order.
  @Test func aFleetReducesTheNextJobBesideARunningReduce() throws {
    var s = try Self.scheduler(
      jobs: 3, partitions: 2, limits: S.Limits(reducedAhead: 2, heldPartitions: 4, reducers: 2))
    try s.handle(.started(.reduce(1)))
    #expect(Self.starts(s.decide()) == [.reduce(2)])
    try s.handle(.started(.reduce(2)))
    #expect(!Self.starts(s.decide()).contains(.reduce(3)), "two reduces run: no third")
    // Job 2 reduced first: its partitions wait for job 1's all the same.
    try s.handle(.succeeded(.reduce(2), attempt: 1))
    #expect(Self.starts(s.decide()).allSatisfy { $0.job != 2 })
    try s.handle(.succeeded(.reduce(1), attempt: 1))
    let starts = Self.starts(s.decide())
    #expect(starts.contains(.partition(0, of: 1, .prefetch)) && !starts.contains { $0.job == 2 })
  }

  /// A job whose reduce waits (a retry not yet due) keeps later jobs' reduces waiting: reduce
  /// never overtakes a job that is not running.
  @Test func aReduceWaitingForItsRetryKeepsLaterJobsWaiting() throws {
    var s = try Self.scheduler(
      jobs: 2, partitions: 2, limits: S.Limits(reducedAhead: 2, heldPartitions: 4, reducers: 2))
    try s.handle(.started(.reduce(1)))
    try s.handle(.failed(.reduce(1), attempt: 1, retryAt: 500))
    #expect(Self.starts(s.decide()).isEmpty)
    try s.handle(.tick(now: 500))
    #expect(Self.starts(s.decide()) == [.reduce(1)])
  }

  @Test func limitsKeepMemoryFlat() throws {
    var s = try Self.scheduler(jobs: 4, partitions: 2, limits: S.Limits(reducedAhead: 2, heldPartitions: 3))
    try Self.run(.reduce(1), in: &s)
    try Self.run(.reduce(2), in: &s)
    // Two jobs reduced and not prefetched: reduce waits.
    #expect(!Self.starts(s.decide()).contains(.reduce(3)))
    try Self.run(.partition(0, of: 1, .prefetch), in: &s)
    try Self.run(.partition(1, of: 1, .prefetch), in: &s)
    #expect(Self.starts(s.decide()).contains(.reduce(3)))
    try s.handle(.started(.reduce(3)))
    // Reduce runs one at a time.
    try s.handle(.tick(now: 1))
    #expect(!Self.starts(s.decide()).contains(.reduce(4)))
    try s.handle(.succeeded(.reduce(3), attempt: 1))
  }

  @Test func prefetchedPartitionsHeldInMemoryAreBounded() throws {
    var s = try Self.scheduler(jobs: 1, partitions: 4, limits: S.Limits(reducedAhead: 2, heldPartitions: 3))
    try Self.run(.reduce(1), in: &s)
    // Held or loading counts: at most three of the four partitions.
    #expect(Self.starts(s.decide()).filter { $0.stage == .prefetch }.count == 3)
    try Self.run(.partition(0, of: 1, .prefetch), in: &s)
    try s.handle(.started(.partition(1, of: 1, .prefetch)))
    try s.handle(.started(.partition(2, of: 1, .prefetch)))
    #expect(Self.starts(s.decide()) == [.partition(0, of: 1, .process)])
    #expect(throws: S.Refusal.self) { try s.handle(.started(.partition(3, of: 1, .prefetch))) }
    try Self.run(.partition(0, of: 1, .process), in: &s)
    #expect(Self.starts(s.decide()) == [.partition(0, of: 1, .index), .partition(3, of: 1, .prefetch)])
  }

  @Test func oneIndexPublishAtATimeLeavesTheOtherWorkerToOtherTasks() throws {
    var s = try Self.scheduler(jobs: 1, partitions: 3)
    try Self.run(.reduce(1), in: &s)
    for p in 0..<2 {
      try Self.run(.partition(p, of: 1, .prefetch), in: &s)
      try Self.run(.partition(p, of: 1, .process), in: &s)
    }
    #expect(Self.starts(s.decide()) == [.partition(0, of: 1, .index), .partition(2, of: 1, .prefetch)])
    try s.handle(.started(.partition(0, of: 1, .index)))
    // Partition 1's index waits for the writer; partition 2's prefetch does not.
    #expect(Self.starts(s.decide()) == [.partition(2, of: 1, .prefetch)])
    #expect(throws: S.Refusal.self) { try s.handle(.started(.partition(1, of: 1, .index))) }
    try s.handle(.succeeded(.partition(0, of: 1, .index), attempt: 1))
    #expect(Self.starts(s.decide()) == [.partition(1, of: 1, .index), .partition(2, of: 1, .prefetch)])
  }

  @Test func aLostPrefetchIsFetchedAgainAndCompactionStopsTheLine() throws {
    var s = try Self.scheduler(jobs: 1, partitions: 2)
    try Self.run(.reduce(1), in: &s)
    try Self.run(.partition(0, of: 1, .prefetch), in: &s)
    #expect(throws: S.Refusal.self) { try s.handle(.compaction(running: true)) }  // a partition is held
    try s.handle(.outputLost(PartitionKey(job: 1, partition: 0)))
    #expect(s.jobs[0].partitions[0].stage == .prefetch)
    #expect(throws: S.Refusal.self) { try s.handle(.outputLost(PartitionKey(job: 1, partition: 0))) }
    try s.handle(.compaction(running: true))
    #expect(s.decide() == [.idle(blocked: [])] || Self.starts(s.decide()).isEmpty)
    #expect(throws: S.Refusal.self) { try s.handle(.started(.partition(0, of: 1, .prefetch))) }
    try s.handle(.compaction(running: false))
    #expect(Self.starts(s.decide()).count == 2)
  }

  @Test func aScheduleFromTheLedgerRewindsWhatThisProcessDoesNotHold() {
    let job = JobRecord(
      seq: 7, inputs: [1], stage: .prefetch, status: .pending, attempts: 0, nextAttemptAt: nil, lastError: nil,
      lastErrorKind: nil, counts: JobCounts(), timings: [:], createdAt: 0)
    var record = job
    record.partitions = 3
    let tasks = [
      PartitionTaskRecord(job: 7, partition: 0, state: TaskState(stage: .process)),
      PartitionTaskRecord(job: 7, partition: 2, state: TaskState(stage: .prefetch)),
    ]
    let s = S(
      ledgerJobs: [record], ranges: [], partitions: tasks, waitingInputs: 0, held: [], compacting: false, now: 0,
      limits: S.Limits())
    // Partition 1 is not listed: done.
    #expect(s.jobs[0].partitions.map(\.status) == [.pending, .done, .pending])
    #expect(s.decide().first == .rewind(PartitionKey(job: 7, partition: 0)))
    #expect(Self.starts(s.decide()) == [.partition(2, of: 7, .prefetch)])
  }

  /// A store shared by several processes: a partition whose prefetch output another live process
  /// holds is neither processed nor sent back here, and the line is not idle while it waits;
  /// once that process lets go (its lease ran out), the partition is sent back to prefetch.
  @Test func aPartitionHeldByAnotherProcessIsLeftToIt() throws {
    var record = JobRecord(
      seq: 7, inputs: [1], stage: .process, status: .pending, attempts: 0, nextAttemptAt: nil, lastError: nil,
      lastErrorKind: nil, counts: JobCounts(), timings: [:], createdAt: 0)
    record.partitions = 2
    let tasks = [
      PartitionTaskRecord(job: 7, partition: 0, state: TaskState(stage: .process)),
      PartitionTaskRecord(job: 7, partition: 1, state: TaskState(stage: .process)),
    ]
    let elsewhere = PartitionKey(job: 7, partition: 0)
    var s = S(
      ledgerJobs: [record], ranges: [], partitions: tasks, waitingInputs: 0, held: [PartitionKey(job: 7, partition: 1)],
      heldElsewhere: [elsewhere], compacting: false, now: 0, limits: S.Limits())
    #expect(s.decide() == [.start(.partition(1, of: 7, .process))])
    try s.handle(.started(.partition(1, of: 7, .process)))
    try s.handle(.succeeded(.partition(1, of: 7, .process), attempt: 1))
    // Partition 1 is at index now; 0 waits for the other process, so the line is not idle.
    try s.handle(.started(.partition(1, of: 7, .index)))
    try s.handle(.succeeded(.partition(1, of: 7, .index), attempt: 1))
    #expect(s.decide() == [.wait(until: nil)])
    #expect(throws: S.Refusal.self) { try s.handle(.compaction(running: true)) }
    try s.handle(.heldElsewhere(elsewhere, false))
    #expect(s.decide() == [.rewind(elsewhere)])
    // What this process holds is never "held elsewhere".
    var mine = S(
      ledgerJobs: [record], ranges: [], partitions: tasks, waitingInputs: 0, held: [elsewhere],
      heldElsewhere: [elsewhere],
      compacting: false, now: 0, limits: S.Limits())
    #expect(mine.heldElsewhere.isEmpty)
    let before = mine
    #expect(throws: S.Refusal.self) { try mine.handle(.heldElsewhere(elsewhere, true)) }
    #expect(mine == before)
  }

  /// A restart holds no prefetch output; a partition that failed at process still waits for
  /// its operator (it is not sent back to prefetch and run again by itself), and one retrying
  /// is sent back only once its deadline has come.
  @Test func aFailedPartitionIsNotRewoundBehindTheOperatorsBack() {
    var record = JobRecord(
      seq: 3, inputs: [1], stage: .process, status: .failed, attempts: 1, nextAttemptAt: nil, lastError: "boom",
      lastErrorKind: .injectedPermanent, counts: JobCounts(), timings: [:], createdAt: 0)
    record.partitions = 2
    let failed = TaskState(stage: .process, status: .failed, attempts: 1, lastError: "boom")
    let retrying = TaskState(stage: .process, status: .retrying, attempts: 1, nextAttemptAt: 500)
    let tasks = [
      PartitionTaskRecord(job: 3, partition: 0, state: failed),
      PartitionTaskRecord(job: 3, partition: 1, state: retrying),
    ]
    func scheduler(now: Int64) -> S {
      S(
        ledgerJobs: [record], ranges: [], partitions: tasks, waitingInputs: 0, held: [], compacting: false, now: now,
        limits: S.Limits())
    }
    #expect(scheduler(now: 100).decide() == [.wait(until: 500)])
    #expect(scheduler(now: 500).decide() == [.rewind(PartitionKey(job: 3, partition: 1))])
  }

  @Test func illegalEventsAreRefusedAndChangeNothing() throws {
    var s = try Self.scheduler(jobs: 1, partitions: 1)
    let before = s
    let illegal: [S.Event] = [
      .jobCreated(seq: 2, partitions: 1, inputs: 1),  // no input waits
      .jobCreated(seq: 1, partitions: 1, inputs: 0),
      .started(.partition(0, of: 1, .prefetch)),  // not reduced yet
      .succeeded(.reduce(1), attempt: 1),  // not running
      .failed(.reduce(1), attempt: 1, retryAt: nil),
      .interrupted(.reduce(1)),
      .operatorRetry(job: 1),  // not failed
      .operatorRetry(job: 9),
      .started(.reduce(9)),
      .outputLost(PartitionKey(job: 1, partition: 0)),
      .compaction(running: false),
    ]
    for event in illegal {
      #expect(throws: S.Refusal.self, "\(event)") { try s.handle(event) }
      #expect(s == before, "\(event) changed the scheduler")
    }
  }

  /// A random walk over every event, legal or not, from a line of 3 jobs × 3 partitions: each
  /// event is either applied, keeping the invariants, or refused, changing nothing; following
  /// the scheduler's own decisions always finishes every job.
  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
  func randomWalksKeepTheInvariantsAndFinish(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    var s = try Self.scheduler(jobs: 3, partitions: 3, limits: S.Limits(reducedAhead: 2, heldPartitions: 4))
    var now: Int64 = 0
    var steps = 0
    var refused = 0
    while !s.jobs.isEmpty {
      steps += 1
      #expect(steps < 5_000, "no progress")
      if steps >= 5_000 { return }
      let event = Self.randomEvent(s, now: &now, random: &random)
      let before = s
      do {
        try s.handle(event)
        try Self.checkInvariants(s)
      } catch is S.Refusal {
        refused += 1
        #expect(s == before)
      }
    }
    #expect(s.decide() == [.idle(blocked: [])])
    #expect(refused > 0)
  }

  /// Mostly what the scheduler proposes (or an outcome of a running task), sometimes anything.
  static func randomEvent(_ s: S, now: inout Int64, random: inout SeededRandom) -> S.Event {
    let roll = random.nextUnitDouble()
    let tasks = s.jobs.flatMap { job in
      [TaskRef.reduce(job.seq)]
        + job.partitions.indices.flatMap { p in Stage.allCases.map { .partition(p, of: job.seq, $0) } }
    }
    func pick<T>(_ items: [T]) -> T? {
      items.isEmpty ? nil : items[Int(random.nextUnitDouble() * Double(items.count)) % items.count]
    }
    if roll < 0.1, let task = pick(tasks) {
      // Anything at all: often illegal.
      return pick([
        .started(task), .succeeded(task, attempt: 1), .failed(task, attempt: 1, retryAt: now + 10),
        .interrupted(task), .operatorRetry(job: task.job),
        .outputLost(PartitionKey(job: task.job, partition: task.partition ?? 0)),
        .heldElsewhere(PartitionKey(job: task.job, partition: task.partition ?? 0), random.nextUnitDouble() < 0.5),
      ]) ?? .tick(now: now)
    }
    // Another process finishes with what it held, or loses its lease.
    if roll < 0.2, let key = pick(Array(s.heldElsewhere)) { return .heldElsewhere(key, false) }
    if roll < 0.45, let task = pick(Array(s.running)) {
      let attempt = Self.attempt(task, s)
      switch random.nextUnitDouble() {
      case ..<0.75: return .succeeded(task, attempt: attempt)
      case ..<0.85: return .failed(task, attempt: attempt, retryAt: now + 5)
      case ..<0.9: return .failed(task, attempt: attempt, retryAt: nil)
      default: return .interrupted(task)
      }
    }
    let actions = s.decide()
    if let blocked = actions.compactMap({ if case .idle(let b) = $0 { b.first } else { nil } }).first {
      return .operatorRetry(job: blocked)
    }
    if case .wait(let until) = actions.first {
      now = max(now + 1, until ?? now + 1)
      return .tick(now: now)
    }
    if case .rewind(let key) = actions.first { return .outputLost(key) }
    if let task = pick(Self.starts(actions)) { return .started(task) }
    now += 1
    return .tick(now: now)
  }

  /// Per partition, a later job is never ahead of an earlier one's order, limits hold, and the
  /// running and held sets match the states.
  static func checkInvariants(_ s: S) throws {
    #expect(s.held.isDisjoint(with: s.heldElsewhere), "a partition held here and elsewhere")
    let reduced = s.jobs.filter { !$0.partitions.isEmpty }
    for (n, later) in reduced.enumerated() {
      for earlier in reduced[..<n] {
        for p in later.partitions.indices where p < earlier.partitions.count {
          let e = earlier.partitions[p]
          let l = later.partitions[p]
          let started = l.stage > .prefetch || l.status == .running || l.status == .done
          let earlierProcessed = e.stage == .index || e.status == .done
          #expect(!started || earlierProcessed, "job \(later.seq) p\(p) ahead of job \(earlier.seq)")
          let indexing = l.stage == .index && (l.status == .running || l.status == .done)
          #expect(!indexing || e.status == .done, "job \(later.seq) p\(p) indexed before job \(earlier.seq)")
        }
      }
    }
    for task in s.running {
      let job = try #require(s.jobs.first { $0.seq == task.job })
      let state = task.partition.map { job.partitions[$0] } ?? job.state
      #expect(state.status == .running && state.stage == task.stage)
    }
    #expect(s.running.filter { $0.stage == .reduce }.count <= 1)
    #expect(s.running.filter { $0.stage == .index }.count <= s.limits.indexWriters)
    for key in s.held {
      let job = try #require(s.jobs.first { $0.seq == key.job })
      #expect(job.partitions[key.partition].stage == .process)
    }
  }
}
