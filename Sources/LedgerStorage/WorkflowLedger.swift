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
  /// quarantined, and no job takes it), and the job starts again from reduce without it, its
  /// ranges planned anew. Only before any of the job's output was written: the job must be
  /// `failed` or `retrying` at `reduce` or `prefetch`. Throws ``LedgerError`` otherwise.
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
  /// Creates the next job from `inputs` (ids, in order), split into `partitions` partitions
  /// (≥ 1) after its reduce, and assigns the inputs to it. Its reduce is planned as input ranges,
  /// each a task of its own; this build plans one, range 0, over every input.
  func createJob(inputs: [Int64], partitions: Int, at now: Int64) throws -> JobRecord
  /// One job.
  func job(_ seq: UInt64) throws -> JobRecord?
  /// Jobs not yet `done`, in sequence order. A job past reduce shows the aggregate of its
  /// partitions (``TaskState/aggregate(_:)``).
  func unfinishedJobs() throws -> [JobRecord]
  /// The most recent `limit` jobs, in sequence order.
  func recentJobs(limit: Int) throws -> [JobRecord]
  /// The partitions of `job`, by partition number (none before its reduce finished).
  func partitionTasks(job: UInt64) throws -> [PartitionTaskRecord]
  /// Every partition not yet `done`, by job then partition.
  func unfinishedPartitionTasks() throws -> [PartitionTaskRecord]
  /// The input ranges of `job`'s reduce, by range number (done ones included).
  func reduceRanges(job: UInt64) throws -> [ReduceRangeRecord]
  /// Every range not yet `done`, by job then range.
  func unfinishedReduceRanges() throws -> [ReduceRangeRecord]
  /// Claims `task` for process `process` (its registry id; nil for none): it must be `pending`
  /// or `retrying` at `task.stage`. Marks it running as attempt `attempts + 1`, records the
  /// attempt and who runs it, and returns its number: the fencing token the outcome must carry.
  /// Throws ``LedgerError/notRunnable(task:status:)`` otherwise.
  func beginTask(_ task: TaskRef, at now: Int64, by process: Int64?) throws -> Int
  /// Claims the first of `candidates`, in order, that can be claimed now, as `beginTask` would:
  /// one no longer `pending` or `retrying` at its stage is passed over, and so is one whose row
  /// another process is changing at this moment (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so
  /// processes deciding at once take different tasks instead of queueing for one). Returns the
  /// task and its attempt, or nil when none could be claimed. Throws
  /// ``LedgerError/processEnded(_:)`` as `beginTask` does.
  func beginFirstTask(of candidates: [TaskRef], at now: Int64, by process: Int64?) throws -> (
    task: TaskRef, attempt: Int
  )?
  /// Records success of attempt `attempt` of `task` and moves it to its next stage (`pending`),
  /// or to `done` after index. A range of a reduce is `done` when it succeeds, keeping its
  /// `counts`; the success of the job's last range sets the job's counts to the sum of its
  /// ranges' (a batch reduced again starts its counts over) and opens the job's partitions at
  /// prefetch. A partition's counts are added.
  /// Guarded:
  /// throws ``LedgerError/notRunning(job:stage:)`` unless `task` is running under `attempt`.
  func completeTask(_ task: TaskRef, attempt: Int, counts: JobCounts, at now: Int64) throws
  /// Records failed attempt `attempt` of `task`: `retrying` until `nextAttemptAt`, or `failed`
  /// when it is nil. Guarded like ``completeTask(_:attempt:counts:at:)``.
  func failTask(
    _ task: TaskRef, attempt: Int, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64) throws
  /// Operator retry: every `failed` (or `retrying`) task of the job (its ranges while it reduces,
  /// else its partitions) goes back to `pending` with attempts reset. Returns false when the job
  /// is not failed or retrying.
  func retry(job: UInt64, at now: Int64) throws -> Bool
  /// Moves `running` tasks back to `pending` (after a crash: their attempt was interrupted).
  func resetInterruptedStages(at now: Int64) throws
  /// Sends partition `partition` of `job` back to an earlier stage (e.g. its prefetch output
  /// was lost on restart). Throws when the partition is running, done, or unknown.
  func rewind(job: UInt64, partition: Int, to stage: Stage) throws
  /// Every attempt of a job, in order.
  func stageRuns(job: UInt64) throws -> [StageRunRecord]
  /// Every attempt of each of `jobs`, by job, each job's in order: one round trip for a list
  /// (`status` reads the last 50 jobs' at once).
  func stageRuns(jobs: [UInt64]) throws -> [UInt64: [StageRunRecord]]
  /// Per source: every registered interval and whether its job is done.
  func sourceIntervals() throws -> [String: [(from: Int64, to: Int64, done: Bool)]]
  /// Refused files, newest last.
  func refusals(limit: Int) throws -> [RefusedFileRecord]
  /// Appends an operator-feed event.
  func appendEvent(_ event: LedgerEvent) throws
  /// The newest `limit` feed events, oldest first.
  func recentEvents(limit: Int) throws -> [LedgerEvent]
  /// Registers a process that runs an engine on this store; returns its record.
  func registerProcess(_ process: NewProcess, at now: Int64) throws -> ProcessRecord
  /// Records that process `id` is alive at `now`. Returns false, changing nothing, once it has
  /// ended: it stopped, or another process found it silent past its lease and took its attempts
  /// over (``expireProcess(_:silentBefore:note:at:)``), so it must not go on as if it held any.
  @discardableResult
  func heartbeat(process id: Int64, at now: Int64) throws -> Bool
  /// Records that process `id` ended at `now`, and how (`stopped`, or why it is presumed gone);
  /// its attempts still running are the caller's to reset. Nothing happens if it ended already.
  func endProcess(_ id: Int64, note: String, at now: Int64) throws
  /// Ends process `id` as gone if it has not ended and was last heard from before
  /// `silentBefore`, and, in the same transaction, interrupts every attempt it was running: each
  /// such task is `pending` again (its attempt number stays, so the gone process's late outcome
  /// is refused). Returns false, changing nothing, when it ended already or was heard from since.
  func expireProcess(_ id: Int64, silentBefore: Int64, note: String, at now: Int64) throws -> Bool
  /// Processes still running (by id), then the `recentlyEnded` most recently ended ones.
  func processes(recentlyEnded: Int) throws -> [ProcessRecord]
  /// Whether several engines may run on this ledger at once (a fleet on PostgreSQL). Then no
  /// engine may take another process still listed as running for gone before its lease ran out,
  /// nor reset attempts that are not its own. False for a ledger one engine opens at a time
  /// (SQLite, under the engine lock).
  var admitsSeveralEngines: Bool { get }
  /// Runs `body` as the only holder of `section` among every process sharing this ledger, and
  /// returns its result; with `wait` false, returns nil at once when another process holds it.
  /// A ledger only one process opens (SQLite, under the engine lock) just runs `body`.
  func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T?
  /// Records a compaction pass.
  func recordCompaction(_ record: CompactionRecord) throws
  /// The latest compaction pass, if any.
  func lastCompaction() throws -> CompactionRecord?
}

/// Work that one process at a time does for a whole store, whatever the number of processes.
public enum ExclusiveSection: String, Sendable, CaseIterable {
  /// Listing the inbox and registering what is new.
  case inboxScan = "inbox-scan"
  /// Grouping waiting inputs into the next job (and its line in the registration journal).
  case jobCreation = "job-creation"
  /// A compaction pass, and every claim of a prefetch or process task: no such task begins
  /// while a pass relocates artifacts, and a pass begins only when none runs or waits.
  case compaction
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

extension WorkflowLedger {
  /// The first of `candidates` `beginTask` accepts (a ledger whose claims never wait for another
  /// process's: SQLite, one engine at a time; the in-memory double, one lock).
  public func beginFirstTask(of candidates: [TaskRef], at now: Int64, by process: Int64?) throws -> (
    task: TaskRef, attempt: Int
  )? {
    for task in candidates {
      do {
        return (task, try beginTask(task, at: now, by: process))
      } catch LedgerError.notRunnable {
        continue
      }
    }
    return nil
  }

  /// Claims `task` on behalf of no registered process (tests, tools).
  public func beginTask(_ task: TaskRef, at now: Int64) throws -> Int {
    try beginTask(task, at: now, by: nil)
  }
}
