/// Broken expectations of the workflow ledger (bugs or concurrent misuse, not bad input).
public enum LedgerError: Error, Sendable, CustomStringConvertible {
  case unknownJob(UInt64)
  case inputAlreadyGrouped(inputID: Int64)
  case badValue(column: String, value: String)
  /// A stage outcome for a job that is not running that stage (already done, failed, or
  /// never begun): the transition is refused so a finished job never changes state.
  case notRunning(job: UInt64, stage: String)
  /// (`stage` names the partition for a partition task: "partition 2 prefetch".)
  /// A task that is not waiting to run (running, failed, done, or at another stage) cannot be
  /// claimed.
  case notRunnable(task: String, status: String)
  /// Registered process `process` has ended (it stopped, or was presumed gone after it went
  /// silent past its lease): it may not begin a task.
  case processEnded(Int64)
  /// `job` has no partition `partition` (its reduce has not finished, or there are fewer).
  case unknownPartition(job: UInt64, partition: Int)
  /// Job `job`'s reduce has no input range `range`.
  case unknownRange(job: UInt64, range: Int)
  /// `input` is not an input of job `job`.
  case notAnInput(input: Int64, job: UInt64)
  /// Job `job` is `status` at `stage`: an input can be set aside only while it failed before
  /// any output was written (reduce or prefetch).
  case cannotQuarantine(job: UInt64, status: String, stage: String)
  /// A reader found a ledger of an older schema, which only a writer upgrades.
  case olderSchema(path: String, found: Int64, current: Int64)
  /// The ledger was written by a newer build (schema `found`, this build knows `supported`).
  case newerSchema(path: String, found: Int64, supported: Int64)

  public var description: String {
    switch self {
    case .unknownJob(let seq):
      "no stateful batch \(seq) in the workflow ledger; `ledgerline status` lists the batches"
    case .inputAlreadyGrouped(let id):
      "input batch \(id) already belongs to a stateful batch; is another engine running on this data directory?"
    case .notRunning(let job, let stage):
      "batch \(job) is not running \(stage); its outcome was not recorded (the ledger changed under this attempt)"
    case .notRunnable(let task, let status):
      "\(task) is \(status) and cannot be claimed; another worker holds it, or the ledger changed"
    case .processEnded(let process):
      "process \(process) has ended in the store's registry (it stopped, or the others presumed it gone after it went silent past its lease), so it may not begin a task; start the engine again"
    case .unknownPartition(let job, let partition):
      "batch \(job) has no partition \(partition) (yet); `ledgerline status --json` shows its partitions"
    case .unknownRange(let job, let range):
      "batch \(job) has no input range \(range) to reduce; `ledgerline status --json` shows the batch"
    case .notAnInput(let input, let job):
      "input \(input) is not an input of batch \(job); `ledgerline status --json` lists each batch's inputs"
    case .cannotQuarantine(let job, let status, let stage):
      "batch \(job) is \(status) at \(stage); an input can be set aside only while its batch has failed at reduce or prefetch, before any of its output was written"
    case .olderSchema(let path, let found, let current):
      "the workflow ledger \(path) has schema version \(found), older than this ledgerline's \(current); a reading command does not upgrade it — run `ledgerline run --until-idle` once (it upgrades the ledger in place), then try again"
    case .newerSchema(let path, let found, let supported):
      "the workflow ledger \(path) has schema version \(found); this ledgerline understands up to \(supported) — upgrade ledgerline"
    case .badValue(let column, let value):
      "the workflow ledger holds \"\(value)\" in column \(column), which this version does not understand"
    }
  }
}
