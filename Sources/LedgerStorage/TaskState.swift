/// One unit of work of the assembly line: the reduce of one input range of a job, or one stage
/// of one of its partitions. Keys never cross partitions, so after reduce each partition moves
/// on its own.
public struct TaskRef: Hashable, Sendable, CustomStringConvertible {
  public var job: UInt64
  public var stage: Stage
  /// `nil` for reduce; the partition for prefetch, process and index.
  public var partition: Int?
  /// The input range for reduce (every job has range 0); `nil` for a partition's stages.
  public var range: Int?

  /// The reduce of range `range` of job `job`.
  public static func reduce(_ job: UInt64, range: Int = 0) -> TaskRef {
    TaskRef(job: job, stage: .reduce, partition: nil, range: range)
  }

  /// `stage` of partition `partition` of job `job`.
  public static func partition(_ partition: Int, of job: UInt64, _ stage: Stage) -> TaskRef {
    TaskRef(job: job, stage: stage, partition: partition, range: nil)
  }

  /// "batch 3 reduce", "batch 3 reduce range 2", "batch 3 partition 2 prefetch". Range 0 goes
  /// without its number: every job has it, and most have only it.
  public var description: String {
    if let partition { return "batch \(job) partition \(partition) \(stage.rawValue)" }
    if let range, range > 0 { return "batch \(job) \(stage.rawValue) range \(range)" }
    return "batch \(job) \(stage.rawValue)"
  }
}

/// Where one task row stands: a job before its reduce finished, or one partition after it.
/// Every change goes through ``TaskState/apply(_:)``, which refuses an illegal transition, so the
/// ledgers (in memory and in SQL) and the scheduler agree on one lifecycle.
public struct TaskState: Sendable, Equatable {
  /// The stage it is in (the last one, `index`, once done).
  public var stage: Stage
  public var status: JobStatus
  /// Attempts of the current stage so far.
  public var attempts: Int
  /// When a `retrying` task may run again (ms since the epoch).
  public var nextAttemptAt: Int64?
  public var lastError: String?
  public var lastErrorKind: FailureKind?

  public init(
    stage: Stage, status: JobStatus = .pending, attempts: Int = 0, nextAttemptAt: Int64? = nil,
    lastError: String? = nil, lastErrorKind: FailureKind? = nil
  ) {
    self.stage = stage
    self.status = status
    self.attempts = attempts
    self.nextAttemptAt = nextAttemptAt
    self.lastError = lastError
    self.lastErrorKind = lastErrorKind
  }

  /// What can happen to a task.
  public enum Event: Sendable, Equatable {
    /// A worker claims the task's `stage`: attempt `attempts + 1` begins.
    case begin(Stage)
    /// The attempt `attempt` of `stage` succeeded: on to the next stage, or done after index.
    case succeed(Stage, attempt: Int)
    /// The attempt `attempt` of `stage` failed: `retrying` until `retryAt`, or `failed` (nil).
    case fail(Stage, attempt: Int, kind: FailureKind, message: String, retryAt: Int64?)
    /// The process running the attempt went away (crash, lost lease): it runs again.
    case interrupt
    /// An operator asked for another try of a failed (or retrying) task.
    case operatorRetry
    /// Back to an earlier stage (its in-memory input was lost on restart).
    case rewind(to: Stage)
  }

  /// Why a transition was refused.
  public struct IllegalTransition: Error, Sendable, Equatable, CustomStringConvertible {
    public var from: TaskState
    public var event: Event

    public init(from: TaskState, event: Event) {
      self.from = from
      self.event = event
    }

    public var description: String {
      "a task \(from.status.rawValue) at \(from.stage.rawValue) (attempt \(from.attempts)) cannot take \(event)"
    }
  }

  /// The state after `event`; throws ``IllegalTransition`` (and changes nothing) when `event`
  /// cannot happen to a task in this state.
  public func applying(_ event: Event) throws -> TaskState {
    var next = self
    switch event {
    case .begin(let stage):
      guard stage == self.stage, status == .pending || status == .retrying else { break }
      next.status = .running
      next.attempts += 1
      next.nextAttemptAt = nil
      return next
    case .succeed(let stage, let attempt):
      guard stage == self.stage, status == .running, attempt == attempts else { break }
      if let following = stage.next {
        next.stage = following
        next.status = .pending
      } else {
        next.status = .done
      }
      next.attempts = 0
      next.nextAttemptAt = nil
      next.lastError = nil
      next.lastErrorKind = nil
      return next
    case .fail(let stage, let attempt, let kind, let message, let retryAt):
      guard stage == self.stage, status == .running, attempt == attempts else { break }
      next.status = retryAt == nil ? .failed : .retrying
      next.nextAttemptAt = retryAt
      next.lastError = message
      next.lastErrorKind = kind
      return next
    case .interrupt:
      guard status == .running else { break }
      next.status = .pending
      return next
    case .operatorRetry:
      guard status == .failed || status == .retrying else { break }
      next.status = .pending
      next.attempts = 0
      next.nextAttemptAt = nil
      return next
    case .rewind(let stage):
      guard stage <= self.stage, status != .running, status != .done else { break }
      next.stage = stage
      next.status = .pending
      next.attempts = 0
      return next
    }
    throw IllegalTransition(from: self, event: event)
  }

  /// A job's standing once its partitions move on their own: the earliest stage a partition is
  /// still in, and the most urgent status among those partitions (failed, then retrying, then
  /// running, then pending); done when every partition is done.
  public static func aggregate(_ partitions: [TaskState]) -> TaskState {
    let open = partitions.filter { $0.status != .done }
    guard let stage = open.map(\.stage).min() else { return TaskState(stage: .index, status: .done) }
    let failed = open.first { $0.status == .failed }
    let retrying = open.filter { $0.status == .retrying }
    let status: JobStatus =
      failed != nil
      ? .failed
      : !retrying.isEmpty ? .retrying : open.contains { $0.status == .running } ? .running : .pending
    let blame = failed ?? retrying.first
    return TaskState(
      stage: stage, status: status, attempts: open.map(\.attempts).max() ?? 0,
      nextAttemptAt: failed == nil ? retrying.compactMap(\.nextAttemptAt).min() : nil,
      lastError: blame?.lastError, lastErrorKind: blame?.lastErrorKind)
  }
}

extension TaskState {
  /// The state of an input range after `event`: as ``applying(_:)``, except that a range's
  /// success ends it (`done` at reduce) instead of moving it on; its job moves on when every
  /// range has succeeded.
  public func applyingToRange(_ event: Event) throws -> TaskState {
    guard stage == .reduce else { throw IllegalTransition(from: self, event: event) }
    var next = try applying(event)
    if next.stage != .reduce {
      next.stage = .reduce
      next.status = .done
    }
    return next
  }

  /// The state after `event` under the lifecycle of `task`'s row: a range's
  /// (``applyingToRange(_:)``) for reduce, else a partition's (``applying(_:)``).
  public func applying(_ event: Event, to task: TaskRef) throws -> TaskState {
    task.partition == nil ? try applyingToRange(event) : try applying(event)
  }

  /// A job's standing while it reduces: the aggregate of its ranges (``aggregate(_:)``), at
  /// reduce, keeping the last error of a range that runs again (or waits to) after a failure, as
  /// a job's own reduce did; so the standing of a job with one range is that range's. All of them
  /// done is `done` at reduce, a moment no ledger keeps: the success of the last range opens the
  /// job's partitions in the same step.
  public static func reducing(_ ranges: [TaskState]) -> TaskState {
    var state = aggregate(ranges)
    state.stage = .reduce
    if state.lastError == nil, let blame = ranges.first(where: { $0.status != .done && $0.lastError != nil }) {
      state.lastError = blame.lastError
      state.lastErrorKind = blame.lastErrorKind
    }
    return state
  }
}

/// One input range of a job's reduce: its own status and attempts, and once it succeeded, its
/// counts (the job's reduce counts are their sum).
public struct ReduceRangeRecord: Sendable, Equatable {
  public var job: UInt64
  public var range: Int
  public var state: TaskState
  /// What its successful attempt counted (input bytes, events, rejects, keys, blank lines); zero
  /// before.
  public var counts: JobCounts
  /// The bytes it decodes; nil for a range planned before ranges had extents: every input of
  /// the job, whole.
  public var extent: RangeExtent?

  public init(
    job: UInt64, range: Int, state: TaskState, counts: JobCounts = JobCounts(), extent: RangeExtent? = nil
  ) {
    self.job = job
    self.range = range
    self.state = state
    self.counts = counts
    self.extent = extent
  }

  /// The task of this range.
  public var task: TaskRef { .reduce(job, range: range) }
}

/// One partition of a job, after its reduce: its own stage, status and attempts.
public struct PartitionTaskRecord: Sendable, Equatable {
  public var job: UInt64
  public var partition: Int
  public var state: TaskState

  public init(job: UInt64, partition: Int, state: TaskState) {
    self.job = job
    self.partition = partition
    self.state = state
  }

  /// The task this partition runs next.
  public var task: TaskRef { .partition(partition, of: job, state.stage) }
}

extension JobRecord {
  /// The job's own row as a task state.
  public var taskState: TaskState {
    get {
      TaskState(
        stage: stage, status: status, attempts: attempts, nextAttemptAt: nextAttemptAt, lastError: lastError,
        lastErrorKind: lastErrorKind)
    }
    set {
      stage = newValue.stage
      status = newValue.status
      attempts = newValue.attempts
      nextAttemptAt = newValue.nextAttemptAt
      lastError = newValue.lastError
      lastErrorKind = newValue.lastErrorKind
    }
  }
}
