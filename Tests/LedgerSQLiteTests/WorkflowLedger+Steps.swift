import LedgerStorage

/// Job-level steps for contract tests of one-partition jobs: stage `s` of job `j` is the task
/// `.reduce(j)` or partition 0's `s`, and each outcome carries the task's current attempt.
extension WorkflowLedger {
  static func task(_ stage: Stage, job: UInt64) -> TaskRef {
    stage == .reduce ? .reduce(job) : .partition(0, of: job, stage)
  }

  /// A job of one partition.
  func createJob(inputs: [Int64], at now: Int64) throws -> JobRecord {
    try createJob(inputs: inputs, partitions: 1, at: now)
  }

  func beginStage(_ stage: Stage, job: UInt64, at now: Int64) throws -> Int {
    try beginTask(Self.task(stage, job: job), at: now)
  }

  /// The attempt `task` is on now (0 for an unknown job).
  func currentAttempt(_ task: TaskRef) throws -> Int {
    if let p = task.partition {
      return try partitionTasks(job: task.job).first { $0.partition == p }?.state.attempts ?? 0
    }
    return try reduceRanges(job: task.job).first { $0.range == (task.range ?? 0) }?.state.attempts ?? 0
  }

  func completeStage(_ stage: Stage, job: UInt64, counts: JobCounts, at now: Int64) throws {
    let task = Self.task(stage, job: job)
    try completeTask(task, attempt: try currentAttempt(task), counts: counts, at: now)
  }

  func failStage(
    _ stage: Stage, job: UInt64, kind: FailureKind, message: String, nextAttemptAt: Int64?, at now: Int64
  ) throws {
    let task = Self.task(stage, job: job)
    try failTask(
      task, attempt: try currentAttempt(task), kind: kind, message: message, nextAttemptAt: nextAttemptAt, at: now)
  }
}
