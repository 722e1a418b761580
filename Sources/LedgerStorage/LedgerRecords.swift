/// An input batch file to register (SPEC §2): already validated by name and interval.
public struct NewInputBatch: Sendable, Equatable {
  public var source: String
  public var name: String
  /// Arrival interval `[from, to)`, seconds since the epoch.
  public var from: Int64
  public var to: Int64
  public var bytes: Int64
  /// Path of the archived file, relative to the data directory.
  public var archivePath: String
  /// Which inbox scan registered it (batches of one scan are ordered by from, source, name).
  public var scan: Int64
  /// SHA-256 of the file's bytes at registration (64 hex digits): the archived copy is checked
  /// against it before it is read. `nil` for batches registered before fingerprints were kept.
  public var sha256: String?
  /// A large JSON Lines file's line-aligned segments, fingerprinted in the read that
  /// registered it (``InputSegment``); empty for a file read as one piece.
  public var segments: [InputSegment]

  public init(
    source: String, name: String, from: Int64, to: Int64, bytes: Int64, archivePath: String,
    scan: Int64, sha256: String? = nil, segments: [InputSegment] = []
  ) {
    self.segments = segments
    self.source = source
    self.name = name
    self.from = from
    self.to = to
    self.bytes = bytes
    self.archivePath = archivePath
    self.scan = scan
    self.sha256 = sha256
  }
}

/// A registered input batch. `id` is its place in the application order.
public struct InputBatchRecord: Sendable, Equatable {
  public var id: Int64
  public var batch: NewInputBatch
  public var registeredAt: Int64
  /// The stateful batch (job) that took it, once grouped.
  public var job: UInt64?
  /// When an operator set it aside (`ledgerline quarantine`); a quarantined input belongs to no
  /// job and is not applied until it is released.
  public var quarantinedAt: Int64?

  public init(id: Int64, batch: NewInputBatch, registeredAt: Int64, job: UInt64?, quarantinedAt: Int64? = nil) {
    self.id = id
    self.batch = batch
    self.registeredAt = registeredAt
    self.job = job
    self.quarantinedAt = quarantinedAt
  }
}

/// A file refused as a whole, with the reason shown to operators.
public struct RefusedFileRecord: Sendable, Equatable {
  public var source: String
  public var name: String
  public var reason: String
  /// Where the file now is, relative to the data directory.
  public var path: String
  public var at: Int64

  public init(source: String, name: String, reason: String, path: String, at: Int64) {
    self.source = source
    self.name = name
    self.reason = reason
    self.path = path
    self.at = at
  }
}

/// Where a job is: `stage` is the stage it is in (or last finished when `done`).
public enum JobStatus: String, Sendable, Equatable, CaseIterable {
  /// Waiting for its stage to start.
  case pending
  case running
  /// Failed an attempt; will run again at `nextAttemptAt`.
  case retrying
  /// Gave up: waits for `ledgerline retry`.
  case failed
  /// Every stage finished: its artifacts are indexed.
  case done
}

/// Counts a job accumulates as it moves through the stages.
public struct JobCounts: Sendable, Equatable {
  public var inputBytes: Int64 = 0
  public var events: Int64 = 0
  public var rejects: Int64 = 0
  public var keys: Int64 = 0
  public var duplicates: Int64 = 0
  public var linesApplied: Int64 = 0
  public var artifactsWritten: Int64 = 0
  public var bytesWritten: Int64 = 0
  /// Blank lines of the inputs, skipped (SPEC §2: skipped and counted).
  public var blankLines: Int64 = 0

  /// The counts of a job's reduce from those of its ranges: each field the sum of theirs.
  public static func summing(_ ranges: [JobCounts]) -> JobCounts {
    var total = JobCounts()
    for c in ranges {
      total.inputBytes += c.inputBytes
      total.events += c.events
      total.rejects += c.rejects
      total.keys += c.keys
      total.duplicates += c.duplicates
      total.linesApplied += c.linesApplied
      total.artifactsWritten += c.artifactsWritten
      total.bytesWritten += c.bytesWritten
      total.blankLines += c.blankLines
    }
    return total
  }

  public init() {}
}

/// Timing of one stage of a job (milliseconds since the epoch).
public struct StageTiming: Sendable, Equatable {
  public var startedAt: Int64?
  public var endedAt: Int64?
  /// Milliseconds the stage's finished attempts spent working, added up; the rest of
  /// `startedAt…endedAt` was spent waiting (for a retry's backoff or for an operator).
  public var workingMillis: Int64?
  /// For a stage run per partition: the longest any one partition waited between its own
  /// attempts (partitions starting at different times is not waiting).
  public var waitingMillis: Int64?

  public init(startedAt: Int64? = nil, endedAt: Int64? = nil, workingMillis: Int64? = nil, waitingMillis: Int64? = nil)
  {
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.workingMillis = workingMillis
    self.waitingMillis = waitingMillis
  }

  /// Time spent working, once an attempt has ended (the one definition of a stage's time, for
  /// `status` and the console).
  public var working: Int64? {
    guard let end = endedAt else { return nil }
    return workingMillis ?? startedAt.map { end - $0 }
  }

  /// Time between the first attempt's start and the last one's end not spent working, when
  /// there was any.
  public var waiting: Int64? {
    if let waitingMillis { return waitingMillis > 0 ? waitingMillis : nil }
    guard let start = startedAt, let end = endedAt, let working, end - start > working else { return nil }
    return end - start - working
  }
}

/// The attempts of one task at one stage (the job's reduce, or one partition's stage), added up:
/// what a ledger reads per (job, stage, partition) to build the stage's ``StageTiming``.
public struct TaskRunTotals: Sendable, Equatable {
  /// The first attempt's start and the last ended attempt's end.
  public var start: Int64?
  public var end: Int64?
  /// How many attempts.
  public var runs: Int
  /// Milliseconds the ended attempts worked, added up.
  public var working: Int64?

  public init(start: Int64?, end: Int64?, runs: Int, working: Int64?) {
    self.start = start
    self.end = end
    self.runs = runs
    self.working = working
  }
}

extension StageTiming {
  /// The one rule of a stage's time, for every ledger: first start and last end over its tasks;
  /// the working time of its slowest task (partitions run side by side); when it ran per
  /// partition, the longest one task waited between its own attempts (staggered starts are not
  /// waiting). Also the stage's attempts: those of its most-attempted task.
  public static func combining(_ tasks: [TaskRunTotals]) -> (timing: StageTiming, attempts: Int) {
    let waits = tasks.compactMap { task -> Int64? in
      guard let start = task.start, let end = task.end, let working = task.working else { return nil }
      return end - start - working
    }
    let timing = StageTiming(
      startedAt: tasks.compactMap(\.start).min(), endedAt: tasks.compactMap(\.end).max(),
      workingMillis: tasks.compactMap(\.working).max(), waitingMillis: tasks.count > 1 ? waits.max() : nil)
    return (timing, tasks.map(\.runs).max() ?? 0)
  }
}

/// A stateful batch as the workflow ledger knows it.
public struct JobRecord: Sendable, Equatable {
  public var seq: UInt64
  /// Input batch ids in application order.
  public var inputs: [Int64]
  public var stage: Stage
  public var status: JobStatus
  /// Attempts of the current stage so far.
  public var attempts: Int
  /// When a `retrying` job runs again (ms since epoch).
  public var nextAttemptAt: Int64?
  public var lastError: String?
  public var lastErrorKind: FailureKind?
  public var counts: JobCounts
  public var timings: [Stage: StageTiming]
  public var createdAt: Int64
  /// Stage attempts over the job's whole life (all stages, including operator retries). A stage
  /// that ran per partition counts the attempts of its most-attempted partition.
  public var totalAttempts: Int = 0
  /// How many partitions the job's keys are split into: after reduce, each partition passes
  /// prefetch, process and index as a task of its own (``PartitionTaskRecord``).
  public var partitions: Int = 0

  public init(
    seq: UInt64, inputs: [Int64], stage: Stage, status: JobStatus, attempts: Int,
    nextAttemptAt: Int64?, lastError: String?, lastErrorKind: FailureKind?, counts: JobCounts,
    timings: [Stage: StageTiming], createdAt: Int64
  ) {
    self.seq = seq
    self.inputs = inputs
    self.stage = stage
    self.status = status
    self.attempts = attempts
    self.nextAttemptAt = nextAttemptAt
    self.lastError = lastError
    self.lastErrorKind = lastErrorKind
    self.counts = counts
    self.timings = timings
    self.createdAt = createdAt
  }
}

/// One attempt of one stage of one job (of one of its partitions, after reduce).
public struct StageRunRecord: Sendable, Equatable {
  public var job: UInt64
  public var stage: Stage
  /// The partition the attempt worked on; `nil` for reduce.
  public var partition: Int?
  /// The input range a reduce attempt worked on (reduce attempts recorded before ranges had
  /// rows were range 0's); `nil` for a partition's stages.
  public var range: Int?
  public var attempt: Int
  public var startedAt: Int64
  public var endedAt: Int64?
  /// `ok`, or the failure kind.
  public var outcome: String?
  public var error: String?
  public var nextAttemptAt: Int64?
  /// The registered process that ran the attempt (nil when none was, or before processes were
  /// registered).
  public var process: Int64?

  public init(
    job: UInt64, stage: Stage, partition: Int? = nil, range: Int? = nil, attempt: Int, startedAt: Int64,
    endedAt: Int64?, outcome: String?, error: String?, nextAttemptAt: Int64?, process: Int64? = nil
  ) {
    self.job = job
    self.stage = stage
    self.partition = partition
    self.range = range
    self.process = process
    self.attempt = attempt
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.outcome = outcome
    self.error = error
    self.nextAttemptAt = nextAttemptAt
  }
}

/// A line of the operator event feed (retries, failures, refusals, rejects, corrections).
public struct LedgerEvent: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    case info, retry, failure, refusal, reject, correction, operatorAction = "operator"
  }

  public var at: Int64
  public var kind: Kind
  public var job: UInt64?
  public var text: String

  public init(at: Int64, kind: Kind, job: UInt64?, text: String) {
    self.at = at
    self.kind = kind
    self.job = job
    self.text = text
  }
}
