import LedgerStorage

/// Which partition of which job.
public struct PartitionKey: Hashable, Sendable, Comparable {
  public var job: UInt64
  public var partition: Int

  public init(job: UInt64, partition: Int) {
    self.job = job
    self.partition = partition
  }

  public static func < (a: PartitionKey, b: PartitionKey) -> Bool {
    (a.job, a.partition) < (b.job, b.partition)
  }
}

/// The scheduler of the assembly line as a pure state machine: events in, actions out, no I/O.
///
/// The unit of work is a task: the reduce of each input range of a job, then for each of its
/// partitions prefetch, process and index. Keys never cross partitions, so order is kept per partition: partition p
/// of job N+1 is prefetched once partition p of every earlier job is processed, and indexed once
/// theirs is indexed; other partitions do not wait. A job is done when all its partitions are.
///
/// The engine builds one from the workflow ledger (the durable truth, shared by every process)
/// plus what this process holds in memory, and asks ``decide()`` what to do; tests drive it
/// through ``handle(_:)`` without any storage. Transitions of a task follow
/// ``TaskState/applying(_:)``, the rule the ledgers apply too.
public struct PartitionScheduler: Sendable, Equatable {
  /// How far work may run ahead (memory stays flat).
  public struct Limits: Sendable, Equatable {
    /// Jobs reduced whose partitions are not all prefetched yet (reduce runs no further ahead).
    public var reducedAhead: Int
    /// Prefetched partitions held in memory or being prefetched, waiting for process.
    public var heldPartitions: Int
    /// Index tasks running at once: the key index has this many writers (SQLite: one), and a
    /// second publish would only wait for the first while holding a worker.
    public var indexWriters: Int
    /// Reduce tasks running at once (jobs still in order): a reduce holds its job's decoded input
    /// in memory, so one process runs one; in a fleet, whose scheduler sees every process's
    /// tasks, a process running none may reduce the next job beside the others' reduces.
    public var reducers: Int

    public init(reducedAhead: Int = 2, heldPartitions: Int = 8, indexWriters: Int = 1, reducers: Int = 1) {
      self.reducedAhead = reducedAhead
      self.heldPartitions = heldPartitions
      self.indexWriters = indexWriters
      self.reducers = reducers
    }
  }

  /// A job as the scheduler sees it.
  public struct Job: Sendable, Equatable {
    public var seq: UInt64
    /// The aggregate of its ranges while it has no partitions (at reduce); afterwards of its
    /// partitions.
    public var state: TaskState
    /// How many partitions its reduce opens.
    public var partitionCount: Int
    /// The partitions' states once reduce finished (empty before).
    public var partitions: [TaskState]
    /// The states of its reduce's input ranges (each `done` once reduce finished).
    public var ranges: [TaskState]

    /// A job whose reduce has `ranges` (default: one, range 0, in the state `state`).
    public init(
      seq: UInt64, state: TaskState, partitionCount: Int, partitions: [TaskState] = [], ranges: [TaskState]? = nil
    ) {
      self.seq = seq
      self.partitionCount = partitionCount
      self.partitions = partitions
      let ranges =
        ranges ?? [partitions.isEmpty ? state : TaskState(stage: .reduce, status: .done)]
      self.ranges = ranges
      self.state = partitions.isEmpty ? TaskState.reducing(ranges) : state
    }

    var reduced: Bool { !partitions.isEmpty }
    var done: Bool { reduced ? partitions.allSatisfy { $0.status == .done } : state.status == .done }
  }

  public enum Event: Sendable, Equatable {
    /// Input batches were registered and wait for a job (`count` of them now).
    case inputsWaiting(count: Int)
    /// A job was created from waiting inputs.
    case jobCreated(seq: UInt64, partitions: Int, inputs: Int)
    /// A task was claimed (attempt `attempts + 1` began).
    case started(TaskRef)
    case succeeded(TaskRef, attempt: Int)
    case failed(TaskRef, attempt: Int, retryAt: Int64?)
    /// The process running `task` went away (crash, stall past its lease).
    case interrupted(TaskRef)
    /// An operator retried the job's failed tasks.
    case operatorRetry(job: UInt64)
    /// This process no longer holds the prefetch output of a partition (restart).
    case outputLost(PartitionKey)
    /// Another process holds, or no longer holds, the prefetch output of a partition (its
    /// prefetch succeeded; it processed the partition, or its lease ran out).
    case heldElsewhere(PartitionKey, Bool)
    /// Compaction started or finished (prefetch and process wait while it runs).
    case compaction(running: Bool)
    /// Time passed.
    case tick(now: Int64)
  }

  public enum Action: Sendable, Equatable {
    /// Group waiting inputs into the next job.
    case createJob
    /// Claim and run `task`.
    case start(TaskRef)
    /// Send a partition back to prefetch: its prefetched input is not held by this process.
    case rewind(PartitionKey)
    /// Nothing can start now; look again at `at` (a retry falls due) or on the next event.
    case wait(until: Int64?)
    /// Nothing is left to do without new input or an operator; `blocked` jobs wait for one.
    case idle(blocked: [UInt64])
  }

  /// Why an event was refused.
  public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownJob(UInt64)
    case unknownTask(TaskRef)
    case illegal(TaskRef, TaskState.IllegalTransition)
    case notReady(TaskRef, reason: String)

    public var description: String {
      switch self {
      case .unknownJob(let job): "no unfinished batch \(job)"
      case .unknownTask(let task): "no task \(task)"
      case .illegal(let task, let why): "\(task): \(why)"
      case .notReady(let task, let reason): "\(task) cannot start: \(reason)"
      }
    }
  }

  /// Unfinished jobs, by sequence number (finished ones are dropped as they finish).
  public private(set) var jobs: [Job]
  public private(set) var waitingInputs: Int
  /// Prefetch outputs this process holds.
  public private(set) var held: Set<PartitionKey>
  /// Prefetch outputs another live process holds (a store shared by several processes): this one
  /// neither processes nor rewinds those partitions. Never overlaps `held`.
  public private(set) var heldElsewhere: Set<PartitionKey>
  /// Tasks running (in this process, or anywhere when built from a shared ledger).
  public private(set) var running: Set<TaskRef>
  public private(set) var compacting: Bool
  public private(set) var now: Int64
  public var limits: Limits

  public init(
    jobs: [Job], waitingInputs: Int = 0, held: Set<PartitionKey> = [], heldElsewhere: Set<PartitionKey> = [],
    running: Set<TaskRef> = [], compacting: Bool = false, now: Int64 = 0, limits: Limits = Limits()
  ) {
    self.jobs = jobs.filter { !$0.done }.sorted { $0.seq < $1.seq }
    self.waitingInputs = waitingInputs
    self.held = held
    self.heldElsewhere = heldElsewhere.subtracting(held)
    self.running = running
    self.compacting = compacting
    self.now = now
    self.limits = limits
  }

  /// A scheduler for the ledger's unfinished jobs, ranges and partitions: `running` are the tasks
  /// the ledger says are running.
  public init(
    ledgerJobs: [JobRecord], ranges: [ReduceRangeRecord], partitions: [PartitionTaskRecord], waitingInputs: Int,
    held: Set<PartitionKey>, heldElsewhere: Set<PartitionKey> = [], compacting: Bool, now: Int64, limits: Limits
  ) {
    var byJob: [UInt64: [PartitionTaskRecord]] = [:]
    for task in partitions { byJob[task.job, default: []].append(task) }
    var rangesByJob: [UInt64: [ReduceRangeRecord]] = [:]
    for range in ranges { rangesByJob[range.job, default: []].append(range) }
    var running: Set<TaskRef> = []
    let jobs = ledgerJobs.map { record -> Job in
      let tasks = (byJob[record.seq] ?? []).sorted { $0.partition < $1.partition }
      var states = tasks.map(\.state)
      if !tasks.isEmpty, tasks.count < record.partitions {
        // Done partitions of an unfinished job are not listed: fill them in as done.
        var full = Array(repeating: TaskState(stage: .index, status: .done), count: record.partitions)
        for task in tasks where task.partition < full.count { full[task.partition] = task.state }
        states = full
      } else if tasks.isEmpty, record.stage != .reduce {
        // Every partition done but the job row not (cannot happen in one transaction): done.
        states = Array(repeating: TaskState(stage: .index, status: .done), count: max(1, record.partitions))
      }
      for (p, state) in states.enumerated() where state.status == .running {
        running.insert(.partition(p, of: record.seq, state.stage))
      }
      guard states.isEmpty else {
        return Job(seq: record.seq, state: record.taskState, partitionCount: record.partitions, partitions: states)
      }
      // Done ranges of a reducing job are not listed: they are done. A job at reduce with none
      // listed (a ledger from before ranges had rows) reduces as range 0, in the job's state.
      let listed = rangesByJob[record.seq] ?? []
      var rangeStates = [record.taskState]
      if let last = listed.map(\.range).max() {
        rangeStates = Array(repeating: TaskState(stage: .reduce, status: .done), count: last + 1)
        for range in listed { rangeStates[range.range] = range.state }
      }
      for (k, state) in rangeStates.enumerated() where state.status == .running {
        running.insert(.reduce(record.seq, range: k))
      }
      return Job(seq: record.seq, state: record.taskState, partitionCount: record.partitions, ranges: rangeStates)
    }
    self.init(
      jobs: jobs, waitingInputs: waitingInputs, held: held, heldElsewhere: heldElsewhere, running: running,
      compacting: compacting, now: now, limits: limits)
  }

  // MARK: - Events

  /// Applies `event` and returns what to do next; throws ``Refusal`` (changing nothing) for an
  /// event that cannot happen in this state.
  @discardableResult
  public mutating func handle(_ event: Event) throws -> [Action] {
    var next = self
    try next.apply(event)
    self = next
    return decide()
  }

  private mutating func apply(_ event: Event) throws {
    switch event {
    case .inputsWaiting(let count):
      waitingInputs = count
    case .jobCreated(let seq, let partitions, let inputs):
      guard inputs >= 1, inputs <= waitingInputs, partitions >= 1, seq > (jobs.last?.seq ?? 0) else {
        throw Refusal.notReady(.reduce(seq), reason: "a job takes 1…\(waitingInputs) waiting inputs and a new number")
      }
      waitingInputs -= inputs
      jobs.append(Job(seq: seq, state: TaskState(stage: .reduce), partitionCount: partitions))
    case .started(let task):
      guard startable().contains(task) else {
        throw Refusal.notReady(task, reason: "not among the tasks that may start now")
      }
      try transition(task, .begin(task.stage))
      running.insert(task)
    case .succeeded(let task, let attempt):
      try transition(task, .succeed(task.stage, attempt: attempt))
      running.remove(task)
      if let p = task.partition {
        let key = PartitionKey(job: task.job, partition: p)
        if task.stage == .prefetch {
          held.insert(key)
          heldElsewhere.remove(key)
        }
        if task.stage == .process { held.remove(key) }
      }
      jobs.removeAll { $0.done }
    case .failed(let task, let attempt, let retryAt):
      try transition(task, .fail(task.stage, attempt: attempt, kind: .internalError, message: "", retryAt: retryAt))
      running.remove(task)
    case .interrupted(let task):
      try transition(task, .interrupt)
      running.remove(task)
    case .operatorRetry(let seq):
      guard let j = jobs.firstIndex(where: { $0.seq == seq }) else { throw Refusal.unknownJob(seq) }
      var job = jobs[j]
      var any = false
      if job.reduced {
        for p in job.partitions.indices {
          if let next = try? job.partitions[p].applying(.operatorRetry) {
            job.partitions[p] = next
            any = true
          }
        }
        job.state = TaskState.aggregate(job.partitions)
      } else {
        for k in job.ranges.indices {
          if let next = try? job.ranges[k].applyingToRange(.operatorRetry) {
            job.ranges[k] = next
            any = true
          }
        }
        job.state = TaskState.reducing(job.ranges)
      }
      guard any else {
        throw Refusal.illegal(.reduce(seq), TaskState.IllegalTransition(from: job.state, event: .operatorRetry))
      }
      jobs[j] = job
    case .outputLost(let key):
      guard held.remove(key) != nil else {
        throw Refusal.unknownTask(.partition(key.partition, of: key.job, .process))
      }
      try transition(.partition(key.partition, of: key.job, .process), .rewind(to: .prefetch))
    case .heldElsewhere(let key, let holds):
      guard !held.contains(key) else {
        throw Refusal.notReady(
          .partition(key.partition, of: key.job, .process), reason: "this process holds its prefetch output")
      }
      if holds { heldElsewhere.insert(key) } else { heldElsewhere.remove(key) }
    case .compaction(let on):
      guard on != compacting else {
        throw Refusal.notReady(.reduce(0), reason: on ? "compaction is already running" : "no compaction runs")
      }
      if on {
        guard held.isEmpty, heldElsewhere.isEmpty,
          !running.contains(where: { $0.stage == .prefetch || $0.stage == .process })
        else {
          throw Refusal.notReady(
            .reduce(0),
            reason:
              "compaction needs no prefetched partition (here or in another process) and no prefetch or process running"
          )
        }
      }
      compacting = on
    case .tick(let now):
      self.now = max(self.now, now)
    }
  }

  /// Applies a task transition to one of the job's ranges or partitions; `task` names the stage
  /// the partition is in.
  private mutating func transition(_ task: TaskRef, _ event: TaskState.Event) throws {
    guard let j = jobs.firstIndex(where: { $0.seq == task.job }) else { throw Refusal.unknownJob(task.job) }
    var job = jobs[j]
    do {
      if let p = task.partition {
        guard job.partitions.indices.contains(p), job.partitions[p].stage == task.stage else {
          throw Refusal.unknownTask(task)
        }
        job.partitions[p] = try job.partitions[p].applying(event)
        job.state = TaskState.aggregate(job.partitions)
      } else {
        let k = task.range ?? 0
        guard !job.reduced, job.ranges.indices.contains(k) else { throw Refusal.unknownTask(task) }
        job.ranges[k] = try job.ranges[k].applyingToRange(event)
        job.state = TaskState.reducing(job.ranges)
        if job.ranges.allSatisfy({ $0.status == .done }) {
          job.partitions = Array(repeating: TaskState(stage: .prefetch), count: job.partitionCount)
          job.state = TaskState.aggregate(job.partitions)
        }
      }
    } catch let illegal as TaskState.IllegalTransition {
      throw Refusal.illegal(task, illegal)
    }
    jobs[j] = job
  }

  // MARK: - Decisions

  /// What to do now, in order: partitions to rewind, a job to create (both cheap, and they make
  /// work), then tasks to start (index, then process, prefetch and reduce, earlier jobs first);
  /// else when to look again, or that the line is idle.
  public func decide() -> [Action] {
    var actions: [Action] = rewinds().map(Action.rewind)
    if mayCreateJob { actions.append(.createJob) }
    actions += startable().map(Action.start)
    if !actions.isEmpty { return actions }
    let due = jobs.flatMap { job in (job.reduced ? job.partitions : job.ranges) }
      .filter { $0.status == .retrying }.compactMap(\.nextAttemptAt).min()
    // A partition another process holds for its process stage is work the line still has.
    if !running.isEmpty || due != nil || processingElsewhere { return [.wait(until: due)] }
    return [.idle(blocked: jobs.filter { $0.state.status == .failed }.map(\.seq))]
  }

  /// Whether another process holds the prefetch output of a partition that waits for process.
  private var processingElsewhere: Bool {
    jobs.contains { job in
      job.partitions.enumerated().contains { p, state in
        state.stage == .process && state.status != .done && state.status != .failed
          && heldElsewhere.contains(PartitionKey(job: job.seq, partition: p))
      }
    }
  }

  /// Whether a task in `state` may be claimed now (not counting order and limits).
  private func claimable(_ state: TaskState) -> Bool {
    switch state.status {
    case .pending: true
    case .retrying: (state.nextAttemptAt ?? 0) <= now
    case .running, .failed, .done: false
    }
  }

  /// Partitions that may run process now but whose prefetch output no live process holds. A
  /// failed partition is not among them: it waits for an operator, whatever it holds.
  private func rewinds() -> [PartitionKey] {
    jobs.flatMap { job in
      job.partitions.enumerated().compactMap { p, state -> PartitionKey? in
        let key = PartitionKey(job: job.seq, partition: p)
        guard state.stage == .process, claimable(state), !held.contains(key), !heldElsewhere.contains(key) else {
          return nil
        }
        return key
      }
    }
  }

  private var mayCreateJob: Bool {
    waitingInputs > 0 && jobs.filter { !$0.reduced || $0.partitions.contains { $0.stage == .prefetch } }.count < 2
  }

  /// Every task that may start now, in priority order.
  public func startable() -> [TaskRef] {
    var byStage: [Stage: [TaskRef]] = [:]
    // Per partition: the stage the earliest unfinished job is at (order is kept per partition).
    var processedThrough: [Int: Bool] = [:]  // p → every earlier job's p is processed
    var indexedThrough: [Int: Bool] = [:]  // p → every earlier job's p is indexed
    var heldOrLoading = held.count + running.filter { $0.stage == .prefetch }.count
    // A later job's ranges may start only while every unfinished range of each earlier unreduced
    // job runs.
    var reduceBlocked = false
    var indexing = running.filter { $0.stage == .index }.count
    let reducingTasks = running.filter { $0.stage == .reduce }
    var reducing = reducingTasks.count
    var reducedAhead =
      jobs.filter { $0.reduced && $0.partitions.contains { $0.stage == .prefetch } }.count
      + Set(reducingTasks.map(\.job)).count
    for job in jobs {
      guard job.reduced else {
        // Reduce runs in job order, at most `reducers` ranges at once, and no further ahead than
        // the limit (jobs reducing count once, whatever their ranges running).
        var counted = reducingTasks.contains { $0.job == job.seq }
        var allRunning = true
        for (k, range) in job.ranges.enumerated() where range.status != .done {
          let task = TaskRef.reduce(job.seq, range: k)
          if running.contains(task) { continue }
          allRunning = false
          guard !reduceBlocked, claimable(range), reducing < limits.reducers,
            counted || reducedAhead < limits.reducedAhead
          else { continue }
          byStage[.reduce, default: []].append(task)
          reducing += 1
          if !counted { reducedAhead += 1 }
          counted = true
        }
        reduceBlocked = reduceBlocked || !allRunning
        // A later job's partitions wait for this one's (it may have been sent back to reduce).
        for p in 0..<max(job.partitionCount, processedThrough.count) {
          processedThrough[p] = false
          indexedThrough[p] = false
        }
        continue
      }
      for (p, state) in job.partitions.enumerated() {
        let processed = processedThrough[p] ?? true
        let indexed = indexedThrough[p] ?? true
        let task = TaskRef.partition(p, of: job.seq, state.stage)
        if claimable(state), !running.contains(task) {
          switch state.stage {
          case .prefetch:
            if processed, !compacting, heldOrLoading < limits.heldPartitions {
              byStage[.prefetch, default: []].append(task)
              heldOrLoading += 1
            }
          case .process:
            if processed, !compacting, held.contains(PartitionKey(job: job.seq, partition: p)) {
              byStage[.process, default: []].append(task)
            }
          case .index:
            if indexed, indexing < limits.indexWriters {
              byStage[.index, default: []].append(task)
              indexing += 1
            }
          case .reduce:
            break
          }
        }
        processedThrough[p] = processed && (state.stage == .index || state.status == .done)
        indexedThrough[p] = indexed && state.status == .done
      }
    }
    return [Stage.index, .process, .prefetch, .reduce].flatMap { byStage[$0] ?? [] }
  }
}
