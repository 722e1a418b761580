import Foundation
import LedgerStorage
import Synchronization

/// A `WorkflowLedger` in memory, with the semantics of `SQLiteWorkflowLedger`: for engine tests
/// that do not depend on durability, and as the second implementation the port's contract tests
/// run against.
///
/// Ids and sequence numbers are handed out as SQLite hands out `INTEGER PRIMARY KEY`s here
/// (highest + 1, so 1, 2, 3, … and never consumed by a call that throws). Source and file names
/// compare by their UTF-8 bytes, as SQLite's BINARY collation does. Every method holds one lock
/// for its whole duration, so each is atomic; a method that throws changes nothing.
public final class InMemoryWorkflowLedger: WorkflowLedger {
  /// One job as stored: `timings` and `totalAttempts` of `record` are derived from `runs` when
  /// the job is read, as the SQLite ledger derives them from its `stage_runs` table.
  struct JobRow: Sendable {
    var record: JobRecord
    /// Every attempt of every stage of the job, in the order they began.
    var runs: [StageRunRecord] = []
    /// The job's partitions, once its reduce finished (by partition number).
    var partitions: [TaskState] = []
    /// The input ranges of its reduce (by range number): one, range 0.
    var ranges: [TaskState] = [TaskState(stage: .reduce)]
    /// What each range's success counted (by range number).
    var rangeCounts: [JobCounts] = [JobCounts()]
    /// The bytes each range decodes (by range number; nil: every input, whole).
    var rangeExtents: [RangeExtent?] = [nil]

    /// Plans the ranges of its reduce from `inputs`, its inputs as they are now, each pending.
    mutating func plan(_ inputs: [InputBatchRecord]) {
      let extents = ReducePlan.ranges(inputs)
      ranges = Array(repeating: TaskState(stage: .reduce), count: extents.count)
      rangeCounts = Array(repeating: JobCounts(), count: extents.count)
      rangeExtents = extents
    }
  }

  /// A registered (source, name) pair, by UTF-8 bytes (`UNIQUE(source, name)`).
  struct BatchName: Hashable, Sendable {
    var source: [UInt8]
    var name: [UInt8]

    init(_ batch: NewInputBatch) {
      source = Array(batch.source.utf8)
      name = Array(batch.name.utf8)
    }
  }

  /// Everything the ledger holds.
  struct State: Sendable {
    /// Input batches in id order; the batch with id `n` is at index `n - 1`.
    var batches: [InputBatchRecord] = []
    var names: Set<BatchName> = []
    /// Jobs in sequence order; job `n` is at index `n - 1`.
    var jobs: [JobRow] = []
    /// Refused files, oldest first.
    var refusals: [RefusedFileRecord] = []
    /// Operator-feed events, oldest first.
    var events: [LedgerEvent] = []
    /// Compaction passes, oldest first.
    var compactions: [CompactionRecord] = []
    /// Registered processes; process `n` is at index `n - 1`.
    var processes: [ProcessRecord] = []

    /// Where input batch `id` is in `batches`.
    func batchIndex(_ id: Int64) -> Int? {
      id >= 1 && id <= Int64(batches.count) ? Int(id - 1) : nil
    }

    /// Where job `seq` is in `jobs`.
    func jobIndex(_ seq: UInt64) -> Int? {
      seq >= 1 && seq <= UInt64(jobs.count) ? Int(seq - 1) : nil
    }
  }

  let state = Mutex(State())
  let stampRecord = InMemoryStoreStamp(piece: .ledger)

  /// Whether several engines share this ledger (a fleet simulated in one process).
  public let admitsSeveralEngines: Bool
  /// One lock per section, used when several engines share the ledger.
  let sections: [ExclusiveSection: NSLock]

  /// An empty ledger; `admitsSeveralEngines` for several engines sharing it, as on PostgreSQL.
  public init(admitsSeveralEngines: Bool = false) {
    self.admitsSeveralEngines = admitsSeveralEngines
    sections = Dictionary(uniqueKeysWithValues: ExclusiveSection.allCases.map { ($0, NSLock()) })
  }

  /// Registers input batches in the given order; returns them with their ids. Throws
  /// `InMemoryWorkflowLedgerError.duplicateInputBatch` (and registers none) when a (source,
  /// name) pair is already registered or repeated, where SQLite fails its `UNIQUE` constraint.
  public func register(_ batches: [NewInputBatch], at now: Int64) throws -> [InputBatchRecord] {
    try state.withLock { s in
      var names = s.names
      for batch in batches {
        guard names.insert(BatchName(batch)).inserted else {
          throw InMemoryWorkflowLedgerError.duplicateInputBatch(source: batch.source, name: batch.name)
        }
      }
      let first = Int64(s.batches.count) + 1
      let records = batches.enumerated().map { n, batch in
        InputBatchRecord(id: first + Int64(n), batch: batch, registeredAt: now, job: nil)
      }
      s.names = names
      s.batches += records
      return records
    }
  }

  /// Records a refused file.
  public func recordRefusal(_ refusal: RefusedFileRecord) throws {
    state.withLock { $0.refusals.append(refusal) }
  }

  /// Every registered input batch of `source` (byte-equal), in id order.
  public func inputBatches(source: String) throws -> [InputBatchRecord] {
    state.withLock { s in s.batches.filter { $0.batch.source.utf8.elementsEqual(source.utf8) } }
  }

  /// Input batches by id, in the order of `ids`; unknown ids are skipped, repeated ones repeated.
  public func inputBatches(ids: [Int64]) throws -> [InputBatchRecord] {
    state.withLock { s in ids.compactMap { id in s.batchIndex(id).map { s.batches[$0] } } }
  }

  /// Registered input batches not yet taken by a job, in id order.
  /// The first registered input batch (by id) whose content has this SHA-256.
  public func inputBatch(sha256: String) throws -> InputBatchRecord? {
    state.withLock { s in s.batches.first { $0.batch.sha256 == sha256 } }
  }

  public func ungroupedInputBatches() throws -> [InputBatchRecord] {
    state.withLock { s in s.batches.filter { $0.job == nil && $0.quarantinedAt == nil } }
  }

  /// Creates the next job (`reduce`, `pending`) from `inputs` and assigns them to it. Throws
  /// `LedgerError.inputAlreadyGrouped` for the first input that is unknown, already grouped or
  /// repeated, and then creates nothing. The job lists its inputs in id order.
  public func createJob(inputs: [Int64], partitions: Int, at now: Int64) throws -> JobRecord {
    precondition(partitions >= 1, "a job has at least one partition")
    return try state.withLock { s in
      var taken: Set<Int64> = []
      for id in inputs {
        guard let i = s.batchIndex(id), s.batches[i].job == nil, s.batches[i].quarantinedAt == nil,
          taken.insert(id).inserted
        else {
          throw LedgerError.inputAlreadyGrouped(inputID: id)
        }
      }
      let seq = UInt64(s.jobs.count) + 1
      for id in inputs {
        if let i = s.batchIndex(id) { s.batches[i].job = seq }
      }
      let record = JobRecord(
        seq: seq, inputs: inputs.sorted(), stage: .reduce, status: .pending, attempts: 0,
        nextAttemptAt: nil, lastError: nil, lastErrorKind: nil, counts: JobCounts(), timings: [:],
        createdAt: now)
      var row = JobRow(record: record)
      row.record.partitions = partitions
      row.plan(s.batches.filter { $0.job == seq })
      s.jobs.append(row)
      return Self.record(row)
    }
  }

  /// The job of `row` as readers see it: stage timings and the total number of attempts,
  /// from its runs added up per task (`StageTiming.combining`, as the SQL ledgers do).
  static func record(_ row: JobRow) -> JobRecord {
    var job = row.record
    job.timings = [:]
    job.totalAttempts = 0
    var perTask: [Stage: [Int: TaskRunTotals]] = [:]
    for run in row.runs {
      var task =
        perTask[run.stage, default: [:]][run.partition ?? -1]
        ?? TaskRunTotals(
          start: run.startedAt, end: nil, runs: 0, working: nil)
      task.runs += 1
      task.start = min(task.start ?? run.startedAt, run.startedAt)
      if let end = run.endedAt {
        task.working = (task.working ?? 0) + (end - run.startedAt)
        task.end = max(task.end ?? end, end)
      }
      perTask[run.stage, default: [:]][run.partition ?? -1] = task
    }
    for (stage, tasks) in perTask {
      let (timing, attempts) = StageTiming.combining(Array(tasks.values))
      job.timings[stage] = timing
      job.totalAttempts += attempts
    }
    return job
  }
}
