/// The durable workflow ledger: every input batch, every job (stateful batch) and every stage
/// attempt. It orders the jobs and is the truth after a crash.
///
/// Times are milliseconds since the epoch, supplied by the caller (the engine's clock), so tests
/// control time. Each method is atomic.
public protocol WorkflowLedger: StoreStamped {
  /// Registers input batches in the given order; returns them with their ids.
  func register(_ batches: [NewInputBatch], at now: Int64) throws -> [InputBatchRecord]
  /// Records a refused file.
  func recordRefusal(_ refusal: RefusedFileRecord) throws
  /// Every registered input batch of `source`, in id order (for name and overlap checks).
  func inputBatches(source: String) throws -> [InputBatchRecord]
  /// Input batches by id.
  func inputBatches(ids: [Int64]) throws -> [InputBatchRecord]
  /// The first registered input batch whose content has this SHA-256, if any.
  func inputBatch(sha256: String) throws -> InputBatchRecord?
  /// Sets input `input` of failed job `job` aside: the input leaves the job (it is kept,
  /// quarantined, and no job takes it), and the job starts again from reduce without it. Only
  /// before any of the job's output was written: the job must be `failed` or `retrying` at
  /// `reduce` or `prefetch`. Throws ``LedgerError`` otherwise.
  func quarantine(input: Int64, job: UInt64, at now: Int64) throws
  /// Marks the ungrouped input `input` as set aside (a rebuild restoring a quarantine); false
  /// when it is grouped or unknown.
  func holdBack(input: Int64, at now: Int64) throws -> Bool
  /// Releases a quarantined input: it is registered work again, taken by the next job.
  /// Returns false when it was not quarantined.
  func release(input: Int64) throws -> Bool
  /// Quarantined inputs, in id order.
  func quarantinedInputBatches() throws -> [InputBatchRecord]
  /// Registered input batches not yet taken by a job (and not quarantined), in id order.
  func ungroupedInputBatches() throws -> [InputBatchRecord]
  /// Creates the next job from `inputs` (ids, in order) and assigns them to it.
  func createJob(inputs: [Int64], at now: Int64) throws -> JobRecord
  /// One job.
  func job(_ seq: UInt64) throws -> JobRecord?
  /// Jobs not yet `done`, in sequence order.
  func unfinishedJobs() throws -> [JobRecord]
  /// The most recent `limit` jobs, in sequence order.
  func recentJobs(limit: Int) throws -> [JobRecord]
  /// Marks `stage` of `job` running (attempt = attempts + 1); returns the attempt number.
  func beginStage(_ stage: Stage, job: UInt64, at now: Int64) throws -> Int
  /// Records success of `stage`, merges `counts` (non-zero fields replace), and moves the job
  /// to the next stage (`pending`) or to `done`. Guarded: throws `LedgerError.notRunning` unless
  /// the job is `running` at `stage`.
  func completeStage(_ stage: Stage, job: UInt64, counts: JobCounts, at now: Int64) throws
  /// Records a failed attempt: `retrying` until `nextAttemptAt`, or `failed` when it is nil.
  /// Guarded: throws `LedgerError.notRunning` unless the job is `running` at `stage`.
  func failStage(
    _ stage: Stage, job: UInt64, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64) throws
  /// Operator retry: a `failed` (or `retrying`) job goes back to `pending` with attempts reset.
  /// Returns false when the job is not failed or retrying.
  func retry(job: UInt64, at now: Int64) throws -> Bool
  /// Moves `running` jobs back to `pending` (after a crash: their attempt was interrupted).
  func resetInterruptedStages(at now: Int64) throws
  /// Sends a job back to an earlier stage (e.g. prefetch output lost on restart).
  func rewind(job: UInt64, to stage: Stage) throws
  /// Every attempt of a job, in order.
  func stageRuns(job: UInt64) throws -> [StageRunRecord]
  /// Per source: every registered interval and whether its job is done.
  func sourceIntervals() throws -> [String: [(from: Int64, to: Int64, done: Bool)]]
  /// Refused files, newest last.
  func refusals(limit: Int) throws -> [RefusedFileRecord]
  /// Appends an operator-feed event.
  func appendEvent(_ event: LedgerEvent) throws
  /// The newest `limit` feed events, oldest first.
  func recentEvents(limit: Int) throws -> [LedgerEvent]
  /// Records a compaction pass.
  func recordCompaction(_ record: CompactionRecord) throws
  /// The latest compaction pass, if any.
  func lastCompaction() throws -> CompactionRecord?
}

/// One compaction pass: bytes of part files before and after, and the live bytes it found.
public struct CompactionRecord: Sendable, Equatable {
  public var at: Int64
  public var liveBytes: Int64
  public var totalBytesBefore: Int64
  public var totalBytesAfter: Int64
  public var deletedParts: Int
  public var rewrittenParts: Int

  public init(
    at: Int64, liveBytes: Int64, totalBytesBefore: Int64, totalBytesAfter: Int64,
    deletedParts: Int, rewrittenParts: Int
  ) {
    self.at = at
    self.liveBytes = liveBytes
    self.totalBytesBefore = totalBytesBefore
    self.totalBytesAfter = totalBytesAfter
    self.deletedParts = deletedParts
    self.rewrittenParts = rewrittenParts
  }
}
