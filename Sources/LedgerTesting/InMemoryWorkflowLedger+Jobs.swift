import LedgerStorage

extension InMemoryWorkflowLedger {
  /// One job, or nil when there is no job `seq`.
  public func job(_ seq: UInt64) throws -> JobRecord? {
    state.withLock { s in s.jobIndex(seq).map { Self.record(s.jobs[$0]) } }
  }

  /// Jobs not yet `done`, in sequence order.
  public func unfinishedJobs() throws -> [JobRecord] {
    state.withLock { s in s.jobs.filter { $0.record.status != .done }.map(Self.record) }
  }

  /// The jobs after sequence number (newest − `limit`), in sequence order: the newest `limit`
  /// jobs (none when `limit` ≤ 0).
  public func recentJobs(limit: Int) throws -> [JobRecord] {
    state.withLock { s in
      let newest = Int64(s.jobs.last?.record.seq ?? 0)
      let after = max(0, newest - Int64(limit))
      return s.jobs.filter { Int64($0.record.seq) > after }.map(Self.record)
    }
  }

  /// The partitions of `job`, by number (none before its reduce finished, or for no job).
  public func partitionTasks(job: UInt64) throws -> [PartitionTaskRecord] {
    state.withLock { s in s.jobIndex(job).map { Self.partitions(of: s.jobs[$0]) } ?? [] }
  }

  /// Every partition not yet `done`, by job then partition.
  public func unfinishedPartitionTasks() throws -> [PartitionTaskRecord] {
    state.withLock { s in s.jobs.flatMap { Self.partitions(of: $0) }.filter { $0.state.status != .done } }
  }

  /// The input ranges of `job`'s reduce, by number (none for no job).
  public func reduceRanges(job: UInt64) throws -> [ReduceRangeRecord] {
    state.withLock { s in s.jobIndex(job).map { Self.ranges(of: s.jobs[$0]) } ?? [] }
  }

  /// Every range not yet `done`, by job then range.
  public func unfinishedReduceRanges() throws -> [ReduceRangeRecord] {
    state.withLock { s in s.jobs.flatMap { Self.ranges(of: $0) }.filter { $0.state.status != .done } }
  }

  private static func ranges(of row: JobRow) -> [ReduceRangeRecord] {
    row.ranges.indices.map {
      ReduceRangeRecord(
        job: row.record.seq, range: $0, state: row.ranges[$0], counts: row.rangeCounts[$0],
        extent: row.rangeExtents[$0])
    }
  }

  private static func partitions(of row: JobRow) -> [PartitionTaskRecord] {
    row.partitions.enumerated().map { PartitionTaskRecord(job: row.record.seq, partition: $0, state: $1) }
  }

  /// The state of `task`'s row: a range's while its job reduces, else the partition's.
  private static func taskState(_ s: State, _ task: TaskRef) throws -> TaskState {
    guard let i = s.jobIndex(task.job) else { throw LedgerError.unknownJob(task.job) }
    guard let p = task.partition else {
      let k = task.range ?? 0
      guard s.jobs[i].ranges.indices.contains(k) else {
        throw LedgerError.unknownRange(job: task.job, range: k)
      }
      return s.jobs[i].ranges[k]
    }
    guard s.jobs[i].partitions.indices.contains(p) else {
      throw LedgerError.unknownPartition(job: task.job, partition: p)
    }
    return s.jobs[i].partitions[p]
  }

  /// `event` applied to `task`'s state, under the lifecycle of its row (a range's or a
  /// partition's); nil when illegal.
  private static func applying(_ event: TaskState.Event, to task: TaskRef, in s: State) throws -> TaskState? {
    let current = try taskState(s, task)
    return try? current.applying(event, to: task)
  }

  /// Stores `new` as `task`'s state and refreshes its job's aggregate.
  private static func store(_ new: TaskState, _ task: TaskRef, in s: inout State) {
    guard let i = s.jobIndex(task.job) else { return }
    if let p = task.partition {
      s.jobs[i].partitions[p] = new
      s.jobs[i].record.taskState = TaskState.aggregate(s.jobs[i].partitions)
    } else {
      s.jobs[i].ranges[task.range ?? 0] = new
      s.jobs[i].record.taskState = TaskState.reducing(s.jobs[i].ranges)
    }
  }

  /// Claims `task` (pending or retrying at its stage) for `process` as attempt `attempts + 1`,
  /// records the attempt and returns its number; throws `LedgerError.notRunnable` otherwise.
  public func beginTask(_ task: TaskRef, at now: Int64, by process: Int64?) throws -> Int {
    try state.withLock { s in
      if let process, !s.processes.contains(where: { $0.id == process && $0.stoppedAt == nil }) {
        throw LedgerError.processEnded(process)
      }
      let current = try Self.taskState(s, task)
      guard let next = try Self.applying(.begin(task.stage), to: task, in: s) else {
        throw LedgerError.notRunnable(
          task: task.description, status: "\(current.status.rawValue) at \(current.stage.rawValue)")
      }
      Self.store(next, task, in: &s)
      guard let i = s.jobIndex(task.job) else { throw LedgerError.unknownJob(task.job) }
      s.jobs[i].runs.append(
        StageRunRecord(
          job: task.job, stage: task.stage, partition: task.partition, range: task.range, attempt: next.attempts,
          startedAt: now,
          endedAt: nil, outcome: nil, error: nil, nextAttemptAt: nil, process: process))
      return next.attempts
    }
  }

  private static func notRunning(_ task: TaskRef) -> LedgerError {
    .notRunning(
      job: task.job, stage: task.partition.map { "partition \($0) \(task.stage.rawValue)" } ?? task.stage.rawValue)
  }

  /// Ends attempt `attempt` of `task` as `ok` and moves it on (see
  /// ``WorkflowLedger/completeTask(_:attempt:counts:at:)``): reduce's non-zero counts replace the
  /// job's and open its partitions at prefetch; a partition's counts are added.
  public func completeTask(_ task: TaskRef, attempt: Int, counts: JobCounts, at now: Int64) throws {
    try state.withLock { s in
      guard let next = try Self.applying(.succeed(task.stage, attempt: attempt), to: task, in: s) else {
        throw Self.notRunning(task)
      }
      Self.store(next, task, in: &s)
      Self.endRun(&s, task, outcome: "ok", error: nil, next: nil, now: now)
      guard let i = s.jobIndex(task.job) else { return }
      if task.partition == nil {
        var kept = JobCounts()
        kept.inputBytes = counts.inputBytes
        kept.events = counts.events
        kept.rejects = counts.rejects
        kept.keys = counts.keys
        kept.blankLines = counts.blankLines
        s.jobs[i].rangeCounts[task.range ?? 0] = kept
        guard s.jobs[i].ranges.allSatisfy({ $0.status == .done }) else { return }
        // A batch run again from reduce starts its counts over.
        s.jobs[i].record.counts = JobCounts.summing(s.jobs[i].rangeCounts)
        s.jobs[i].partitions = Array(repeating: TaskState(stage: .prefetch), count: max(1, s.jobs[i].record.partitions))
        s.jobs[i].record.taskState = TaskState.aggregate(s.jobs[i].partitions)
      } else {
        Self.merge(counts, into: &s.jobs[i].record.counts, add: true)
      }
    }
  }

  /// Ends attempt `attempt` of `task` with `kind` and `message`: `retrying` until
  /// `nextAttemptAt`, or `failed` when it is nil. Throws `LedgerError.notRunning` unless `task`
  /// is running under `attempt`.
  public func failTask(
    _ task: TaskRef, attempt: Int, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64
  ) throws {
    try state.withLock { s in
      let event = TaskState.Event.fail(
        task.stage, attempt: attempt, kind: kind, message: message, retryAt: nextAttemptAt)
      guard let next = try Self.applying(event, to: task, in: s) else { throw Self.notRunning(task) }
      Self.store(next, task, in: &s)
      Self.endRun(&s, task, outcome: kind.rawValue, error: message, next: nextAttemptAt, now: now)
    }
  }

  /// Operator retry: every `failed` or `retrying` task of the job goes back to `pending` with
  /// attempts reset and no deadline (its last error stays). Returns false when there was none.
  public func retry(job: UInt64, at now: Int64) throws -> Bool {
    state.withLock { s in
      guard let i = s.jobIndex(job) else { return false }
      if s.jobs[i].partitions.isEmpty {
        let any = Self.retryEach(&s.jobs[i].ranges) { try $0.applyingToRange(.operatorRetry) }
        s.jobs[i].record.taskState = TaskState.reducing(s.jobs[i].ranges)
        return any
      }
      let any = Self.retryEach(&s.jobs[i].partitions) { try $0.applying(.operatorRetry) }
      s.jobs[i].record.taskState = TaskState.aggregate(s.jobs[i].partitions)
      return any
    }
  }

  /// Replaces each of `states` that `retried` accepts (a failed or retrying task) by its result;
  /// whether any was.
  private static func retryEach(_ states: inout [TaskState], _ retried: (TaskState) throws -> TaskState) -> Bool {
    var any = false
    for n in states.indices {
      if let next = try? retried(states[n]) {
        states[n] = next
        any = true
      }
    }
    return any
  }

  /// Ends every open attempt as `interrupted` at `now` and moves `running` tasks back to
  /// `pending` (their attempts still count).
  public func resetInterruptedStages(at now: Int64) throws {
    state.withLock { s in
      for i in s.jobs.indices {
        for r in s.jobs[i].runs.indices where s.jobs[i].runs[r].endedAt == nil {
          s.jobs[i].runs[r].endedAt = now
          s.jobs[i].runs[r].outcome = "interrupted"
          s.jobs[i].runs[r].error = "the engine stopped during this attempt"
        }
        if s.jobs[i].partitions.isEmpty {
          for k in s.jobs[i].ranges.indices {
            if let next = try? s.jobs[i].ranges[k].applyingToRange(.interrupt) { s.jobs[i].ranges[k] = next }
          }
          s.jobs[i].record.taskState = TaskState.reducing(s.jobs[i].ranges)
        } else {
          for p in s.jobs[i].partitions.indices {
            if let next = try? s.jobs[i].partitions[p].applying(.interrupt) { s.jobs[i].partitions[p] = next }
          }
          s.jobs[i].record.taskState = TaskState.aggregate(s.jobs[i].partitions)
        }
      }
    }
  }

  /// Ends process `id` as gone and interrupts its attempts (see
  /// ``WorkflowLedger/expireProcess(_:silentBefore:note:at:)``).
  public func expireProcess(_ id: Int64, silentBefore: Int64, note: String, at now: Int64) throws -> Bool {
    state.withLock { s in
      guard id >= 1, id <= Int64(s.processes.count) else { return false }
      let n = Int(id - 1)
      guard s.processes[n].stoppedAt == nil, s.processes[n].heartbeatAt < silentBefore else { return false }
      s.processes[n].stoppedAt = now
      s.processes[n].endNote = note
      for i in s.jobs.indices {
        for r in s.jobs[i].runs.indices where s.jobs[i].runs[r].endedAt == nil && s.jobs[i].runs[r].process == id {
          let run = s.jobs[i].runs[r]
          s.jobs[i].runs[r].endedAt = now
          s.jobs[i].runs[r].outcome = "interrupted"
          s.jobs[i].runs[r].error = "the process running this attempt was found gone: \(note)"
          if let p = run.partition {
            guard s.jobs[i].partitions.indices.contains(p), s.jobs[i].partitions[p].stage == run.stage,
              let next = try? s.jobs[i].partitions[p].applying(.interrupt)
            else { continue }
            s.jobs[i].partitions[p] = next
            s.jobs[i].record.taskState = TaskState.aggregate(s.jobs[i].partitions)
          } else if s.jobs[i].partitions.isEmpty, run.stage == .reduce {
            let k = run.range ?? 0
            guard s.jobs[i].ranges.indices.contains(k), let next = try? s.jobs[i].ranges[k].applyingToRange(.interrupt)
            else { continue }
            s.jobs[i].ranges[k] = next
            s.jobs[i].record.taskState = TaskState.reducing(s.jobs[i].ranges)
          }
        }
      }
      return true
    }
  }

  /// Sends partition `partition` of `job` back to `stage`, `pending`, attempts reset. Throws
  /// when it is running, done, past no such stage, or unknown.
  public func rewind(job: UInt64, partition: Int, to stage: Stage) throws {
    try state.withLock { s in
      let task = TaskRef.partition(partition, of: job, stage)
      let current = try Self.taskState(s, task)
      guard let next = try? current.applying(.rewind(to: stage)) else {
        throw LedgerError.notRunnable(
          task: task.description, status: "\(current.status.rawValue) at \(current.stage.rawValue)")
      }
      Self.store(next, task, in: &s)
    }
  }

  /// Ends the latest attempt of `task`, if there is one (ended or not).
  private static func endRun(
    _ s: inout State, _ task: TaskRef, outcome: String, error: String?, next: Int64?, now: Int64
  ) {
    guard let i = s.jobIndex(task.job),
      let r = s.jobs[i].runs.lastIndex(where: {
        $0.stage == task.stage && $0.partition == task.partition && $0.range == task.range
      })
    else { return }
    s.jobs[i].runs[r].endedAt = now
    s.jobs[i].runs[r].outcome = outcome
    s.jobs[i].runs[r].error = error
    s.jobs[i].runs[r].nextAttemptAt = next
  }

  /// Every non-zero field of `counts` replaces (or, with `add`, is added to) the one in `total`.
  private static func merge(_ counts: JobCounts, into total: inout JobCounts, add: Bool) {
    let fields: [WritableKeyPath<JobCounts, Int64>] = [
      \.inputBytes, \.events, \.rejects, \.keys, \.duplicates, \.linesApplied, \.artifactsWritten, \.blankLines,
      \.bytesWritten,
    ]
    for field in fields where counts[keyPath: field] != 0 {
      total[keyPath: field] = add ? total[keyPath: field] + counts[keyPath: field] : counts[keyPath: field]
    }
  }
}
