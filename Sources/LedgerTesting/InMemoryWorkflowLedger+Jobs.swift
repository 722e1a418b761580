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

  /// Marks `stage` of `job` running (attempt = attempts + 1, no retry deadline) and records the
  /// attempt; returns its number. Throws `LedgerError.unknownJob` when there is no such job.
  public func beginStage(_ stage: Stage, job: UInt64, at now: Int64) throws -> Int {
    try state.withLock { s in
      guard let i = s.jobIndex(job) else { throw LedgerError.unknownJob(job) }
      let attempt = s.jobs[i].record.attempts + 1
      s.jobs[i].record.stage = stage
      s.jobs[i].record.status = .running
      s.jobs[i].record.attempts = attempt
      s.jobs[i].record.nextAttemptAt = nil
      s.jobs[i].runs.append(
        StageRunRecord(
          job: job, stage: stage, attempt: attempt, startedAt: now, endedAt: nil, outcome: nil,
          error: nil, nextAttemptAt: nil))
      return attempt
    }
  }

  /// Ends the latest attempt of `stage` as `ok`, merges `counts` (non-zero fields replace), and
  /// moves the job to the next stage (`pending`) or, after `index`, to `done`, clearing attempts,
  /// retry deadline and last error. Throws `LedgerError.notRunning` unless the job is running
  /// `stage`.
  public func completeStage(_ stage: Stage, job: UInt64, counts: JobCounts, at now: Int64) throws {
    try state.withLock { s in
      guard let i = s.jobIndex(job), s.jobs[i].record.stage == stage, s.jobs[i].record.status == .running else {
        throw LedgerError.notRunning(job: job, stage: stage.rawValue)
      }
      Self.endRun(&s, job: job, stage: stage, outcome: "ok", error: nil, next: nil, now: now)
      s.jobs[i].record.stage = stage.next ?? stage
      s.jobs[i].record.status = stage.next == nil ? .done : .pending
      s.jobs[i].record.attempts = 0
      s.jobs[i].record.nextAttemptAt = nil
      s.jobs[i].record.lastError = nil
      s.jobs[i].record.lastErrorKind = nil
      Self.merge(counts, into: &s.jobs[i].record.counts)
    }
  }

  /// Ends the latest attempt of `stage` with `kind` and `message`; the job becomes `retrying`
  /// until `nextAttemptAt`, or `failed` when it is nil. Stage and attempts stay. Throws
  /// `LedgerError.notRunning` unless the job is running `stage`.
  public func failStage(
    _ stage: Stage, job: UInt64, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64
  ) throws {
    try state.withLock { s in
      guard let i = s.jobIndex(job), s.jobs[i].record.stage == stage, s.jobs[i].record.status == .running else {
        throw LedgerError.notRunning(job: job, stage: stage.rawValue)
      }
      Self.endRun(
        &s, job: job, stage: stage, outcome: kind.rawValue, error: message, next: nextAttemptAt,
        now: now)
      s.jobs[i].record.status = nextAttemptAt == nil ? .failed : .retrying
      s.jobs[i].record.nextAttemptAt = nextAttemptAt
      s.jobs[i].record.lastError = message
      s.jobs[i].record.lastErrorKind = kind
    }
  }

  /// Operator retry: a `failed` or `retrying` job goes back to `pending` with attempts reset and
  /// no deadline (its last error stays). Returns false for any other job, or no job.
  public func retry(job: UInt64, at now: Int64) throws -> Bool {
    state.withLock { s in
      guard let i = s.jobIndex(job), [.failed, .retrying].contains(s.jobs[i].record.status) else {
        return false
      }
      s.jobs[i].record.status = .pending
      s.jobs[i].record.attempts = 0
      s.jobs[i].record.nextAttemptAt = nil
      return true
    }
  }

  /// Ends every open attempt as `interrupted` at `now` and moves `running` jobs back to
  /// `pending` (their attempts still count).
  public func resetInterruptedStages(at now: Int64) throws {
    state.withLock { s in
      for i in s.jobs.indices {
        for r in s.jobs[i].runs.indices where s.jobs[i].runs[r].endedAt == nil {
          s.jobs[i].runs[r].endedAt = now
          s.jobs[i].runs[r].outcome = "interrupted"
          s.jobs[i].runs[r].error = "the engine stopped during this attempt"
        }
        if s.jobs[i].record.status == .running { s.jobs[i].record.status = .pending }
      }
    }
  }

  /// Sends a job back to `stage`, `pending`, attempts reset (retry deadline and last error
  /// stay). An unknown job is ignored.
  public func rewind(job: UInt64, to stage: Stage) throws {
    state.withLock { s in
      guard let i = s.jobIndex(job) else { return }
      s.jobs[i].record.stage = stage
      s.jobs[i].record.status = .pending
      s.jobs[i].record.attempts = 0
    }
  }

  /// Ends the latest attempt of `stage` of `job`, if there is one (ended or not).
  private static func endRun(
    _ s: inout State, job: UInt64, stage: Stage, outcome: String, error: String?, next: Int64?,
    now: Int64
  ) {
    guard let i = s.jobIndex(job), let r = s.jobs[i].runs.lastIndex(where: { $0.stage == stage })
    else { return }
    s.jobs[i].runs[r].endedAt = now
    s.jobs[i].runs[r].outcome = outcome
    s.jobs[i].runs[r].error = error
    s.jobs[i].runs[r].nextAttemptAt = next
  }

  /// Every non-zero field of `counts` replaces the one in `total`.
  private static func merge(_ counts: JobCounts, into total: inout JobCounts) {
    let fields: [WritableKeyPath<JobCounts, Int64>] = [
      \.inputBytes, \.events, \.rejects, \.keys, \.duplicates, \.linesApplied, \.artifactsWritten,
      \.bytesWritten,
    ]
    for field in fields where counts[keyPath: field] != 0 {
      total[keyPath: field] = counts[keyPath: field]
    }
  }
}
