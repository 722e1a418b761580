import LedgerStorage
import Synchronization

/// A workflow ledger that loses its first `lose` claims, as a process loses a race for a task to
/// another process sharing the store; everything else goes to `inner`.
final class ClaimLosingLedger: WorkflowLedger {
  let inner: any WorkflowLedger
  let lose: Int
  let losses = Mutex(0)

  init(_ inner: any WorkflowLedger, losing lose: Int) {
    self.inner = inner
    self.lose = lose
  }

  func storeID() throws -> String? { try inner.storeID() }
  func stamp(storeID id: String) throws { try inner.stamp(storeID: id) }

  func register(_ batches: [NewInputBatch], at now: Int64) throws -> [InputBatchRecord] {
    try inner.register(batches, at: now)
  }

  func recordRefusal(_ refusal: RefusedFileRecord) throws {
    try inner.recordRefusal(refusal)
  }

  func inputBatches(source: String) throws -> [InputBatchRecord] {
    try inner.inputBatches(source: source)
  }

  func inputBatches(ids: [Int64]) throws -> [InputBatchRecord] {
    try inner.inputBatches(ids: ids)
  }

  func inputBatch(sha256: String) throws -> InputBatchRecord? {
    try inner.inputBatch(sha256: sha256)
  }

  func quarantine(input: Int64, job: UInt64, at now: Int64) throws {
    try inner.quarantine(input: input, job: job, at: now)
  }

  func holdBack(input: Int64, at now: Int64) throws -> Bool {
    try inner.holdBack(input: input, at: now)
  }

  func release(input: Int64) throws -> Bool {
    try inner.release(input: input)
  }

  func quarantinedInputBatches() throws -> [InputBatchRecord] {
    try inner.quarantinedInputBatches()
  }

  func ungroupedInputBatches() throws -> [InputBatchRecord] {
    try inner.ungroupedInputBatches()
  }

  func createJob(inputs: [Int64], partitions: Int, at now: Int64) throws -> JobRecord {
    try inner.createJob(inputs: inputs, partitions: partitions, at: now)
  }

  func job(_ seq: UInt64) throws -> JobRecord? {
    try inner.job(seq)
  }

  func unfinishedJobs() throws -> [JobRecord] {
    try inner.unfinishedJobs()
  }

  func recentJobs(limit: Int) throws -> [JobRecord] {
    try inner.recentJobs(limit: limit)
  }

  func partitionTasks(job: UInt64) throws -> [PartitionTaskRecord] {
    try inner.partitionTasks(job: job)
  }

  func unfinishedPartitionTasks() throws -> [PartitionTaskRecord] {
    try inner.unfinishedPartitionTasks()
  }

  func reduceRanges(job: UInt64) throws -> [ReduceRangeRecord] {
    try inner.reduceRanges(job: job)
  }

  func unfinishedReduceRanges() throws -> [ReduceRangeRecord] {
    try inner.unfinishedReduceRanges()
  }

  func beginTask(_ task: TaskRef, at now: Int64, by process: Int64?) throws -> Int {
    if losses.withLock({ lost in
      guard lost < lose else { return false }
      lost += 1
      return true
    }) {
      throw LedgerError.notRunnable(task: task.description, status: "claimed by another process (simulated)")
    }
    return try inner.beginTask(task, at: now, by: process)
  }

  func completeTask(_ task: TaskRef, attempt: Int, counts: JobCounts, at now: Int64) throws {
    try inner.completeTask(task, attempt: attempt, counts: counts, at: now)
  }

  func failTask(_ task: TaskRef, attempt: Int, kind: FailureKind, message: String, nextAttemptAt: Int64?, at now: Int64)
    throws
  {
    try inner.failTask(task, attempt: attempt, kind: kind, message: message, nextAttemptAt: nextAttemptAt, at: now)
  }

  func retry(job: UInt64, at now: Int64) throws -> Bool {
    try inner.retry(job: job, at: now)
  }

  func resetInterruptedStages(at now: Int64) throws {
    try inner.resetInterruptedStages(at: now)
  }

  func rewind(job: UInt64, partition: Int, to stage: Stage) throws {
    try inner.rewind(job: job, partition: partition, to: stage)
  }

  func stageRuns(job: UInt64) throws -> [StageRunRecord] {
    try inner.stageRuns(job: job)
  }

  func stageRuns(jobs: [UInt64]) throws -> [UInt64: [StageRunRecord]] {
    try inner.stageRuns(jobs: jobs)
  }

  func sourceIntervals() throws -> [String: [(from: Int64, to: Int64, done: Bool)]] {
    try inner.sourceIntervals()
  }

  func refusals(limit: Int) throws -> [RefusedFileRecord] {
    try inner.refusals(limit: limit)
  }

  func appendEvent(_ event: LedgerEvent) throws {
    try inner.appendEvent(event)
  }

  func recentEvents(limit: Int) throws -> [LedgerEvent] {
    try inner.recentEvents(limit: limit)
  }

  func registerProcess(_ process: NewProcess, at now: Int64) throws -> ProcessRecord {
    try inner.registerProcess(process, at: now)
  }

  func heartbeat(process id: Int64, at now: Int64) throws -> Bool {
    try inner.heartbeat(process: id, at: now)
  }

  func endProcess(_ id: Int64, note: String, at now: Int64) throws {
    try inner.endProcess(id, note: note, at: now)
  }

  func expireProcess(_ id: Int64, silentBefore: Int64, note: String, at now: Int64) throws -> Bool {
    try inner.expireProcess(id, silentBefore: silentBefore, note: note, at: now)
  }

  func processes(recentlyEnded: Int) throws -> [ProcessRecord] {
    try inner.processes(recentlyEnded: recentlyEnded)
  }

  var admitsSeveralEngines: Bool { inner.admitsSeveralEngines }

  func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T? {
    try inner.exclusively(section, wait: wait, body)
  }

  func recordCompaction(_ record: CompactionRecord) throws {
    try inner.recordCompaction(record)
  }

  func lastCompaction() throws -> CompactionRecord? {
    try inner.lastCompaction()
  }
}
