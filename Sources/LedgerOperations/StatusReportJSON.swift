import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

/// A ``StatusReport`` as `status --json` prints it. Instants are RFC 3339 strings, sizes and
/// counts are numbers; a field that is not known yet is `null`, never left out.
struct StatusReportJSON: Encodable {
  var backlog: Backlog
  var artifacts: Int
  var storage: Storage
  var retrying: Int
  var failed: Int
  var batches: [Batch]
  var sources: [Source]
  var refusedFiles: [RefusedFile]
  var quarantinedInputs: [Quarantined]
  var ignoredInInbox: [Ignored]
  var events: [Event]
  var processes: [Process]
  /// Left out when not known (synthesized `Encodable` skips a nil optional): a report of a
  /// workspace always knows it.
  var store: Store?

  enum CodingKeys: String, CodingKey {
    case refusedFiles = "refused_files"
    case quarantinedInputs = "quarantined_inputs"
    case ignoredInInbox = "ignored_in_inbox"
    case backlog, artifacts, storage, retrying, failed, batches, sources, events, processes, store
  }

  /// The store's id and where its ledger and index live.
  struct Store: Encodable {
    var id: JSONNullable<String>
    /// `sqlite` or `postgres`.
    var backend: String
    /// The data directory's SQLite files, or the PostgreSQL server, database and schema (never a
    /// password).
    var location: String
  }

  /// An engine process on the store (running, or ended recently).
  struct Process: Encodable {
    var id: Int64
    var host: String
    var pid: Int32
    var osUser: String
    var startedAt: String
    var heartbeatAt: String
    var endedAt: JSONNullable<String>
    var endNote: JSONNullable<String>
    /// The attempts it runs now.
    var holding: [String]

    enum CodingKeys: String, CodingKey {
      case id, host, pid, holding
      case osUser = "os_user"
      case startedAt = "started_at"
      case heartbeatAt = "heartbeat_at"
      case endedAt = "ended_at"
      case endNote = "end_note"
    }

    init(_ record: ProcessRecord, holding: [String]) {
      id = record.id
      host = record.host
      pid = record.pid
      osUser = record.osUser
      startedAt = StatusReport.instant(record.startedAt)
      heartbeatAt = StatusReport.instant(record.heartbeatAt)
      endedAt = JSONNullable(record.stoppedAt.map(StatusReport.instant))
      endNote = JSONNullable(record.endNote)
      self.holding = record.stoppedAt == nil ? holding : []
    }
  }

  /// An input set aside by an operator.
  struct Quarantined: Encodable {
    var id: Int64
    var source: String
    var name: String
    var since: String

    init(_ record: InputBatchRecord) {
      id = record.id
      source = record.batch.source
      name = record.batch.name
      since = StatusReport.instant(record.quarantinedAt ?? 0)
    }
  }

  /// An inbox entry that is not a batch.
  struct Ignored: Encodable {
    var path: String
    var reason: String
  }

  init(_ report: StatusReport) {
    backlog = Backlog(pendingInputBatches: report.backlogDepth, pendingBytes: report.backlogBytes)
    artifacts = report.artifacts
    storage = Storage(report.storedBytes, report.lastCompaction)
    retrying = report.jobs.filter { $0.status == .retrying }.count
    failed = report.jobs.filter { $0.status == .failed }.count
    batches = report.jobs.map {
      Batch($0, inputs: report.inputs, open: report.openPartitions[$0.seq] ?? [], ranBy: report.ranBy[$0.seq] ?? [:])
    }
    sources = report.sources.map(Source.init)
    refusedFiles = report.refusals.map { RefusedFile($0, movedAway: report.refusalsMovedAway.contains($0.path)) }
    quarantinedInputs = report.quarantined.map(Quarantined.init)
    ignoredInInbox = report.ignored.map { Ignored(path: $0.path, reason: $0.reason) }
    events = report.events.map(Event.init)
    processes = report.processes.map { Process($0, holding: report.holding[$0.id] ?? []) }
    store = report.store.map { store in
      switch store.backend {
      case .sqlite:
        Store(
          id: JSONNullable(store.id), backend: "sqlite",
          location: "ledger.sqlite and index.sqlite in the data directory")
      case .postgres(let location):
        Store(id: JSONNullable(store.id), backend: "postgres", location: location.description)
      }
    }
  }

  /// Input batches registered but not yet grouped into a batch.
  struct Backlog: Encodable {
    var pendingInputBatches: Int
    var pendingBytes: Int64

    enum CodingKeys: String, CodingKey {
      case pendingInputBatches = "pending_input_batches", pendingBytes = "pending_bytes"
    }
  }

  /// Part-file bytes now and at the last compaction (nulls before the first one).
  struct Storage: Encodable {
    var totalBytes: Int64
    var liveBytesAtLastCompaction: JSONNullable<Int64>
    var lastCompactionAt: JSONNullable<String>
    var lastCompactionReclaimedBytes: JSONNullable<Int64>

    enum CodingKeys: String, CodingKey {
      case totalBytes = "total_bytes"
      case liveBytesAtLastCompaction = "live_bytes_at_last_compaction"
      case lastCompactionAt = "last_compaction_at"
      case lastCompactionReclaimedBytes = "last_compaction_reclaimed_bytes"
    }

    init(_ totalBytes: Int64, _ last: CompactionRecord?) {
      self.totalBytes = totalBytes
      liveBytesAtLastCompaction = JSONNullable(last?.liveBytes)
      lastCompactionAt = JSONNullable(last.map { StatusReport.instant($0.at) })
      lastCompactionReclaimedBytes = JSONNullable(last.map { $0.totalBytesBefore - $0.totalBytesAfter })
    }
  }

  /// One stateful batch (a job): its inputs, stages, attempts, last error, counts, timings.
  struct Batch: Encodable {
    var batch: UInt64
    var inputs: [Input]
    var stage: String
    var status: String
    /// Stage name → done, pending, running, retrying or failed.
    var stages: [String: String]
    var attempts: Int
    var totalAttempts: Int
    var nextAttemptAt: JSONNullable<String>
    var lastError: JSONNullable<String>
    var errorKind: JSONNullable<String>
    var counts: Counts
    /// Stage name → milliseconds, for the stages that started and ended.
    /// Time each stage spent working (milliseconds).
    var timingsMs: [String: Int64]
    /// Time each stage spent waiting between attempts (backoff, an operator), when any.
    var waitedMs: [String: Int64]
    /// After reduce and until done: where each partition is.
    var partitions: [Partition]
    /// Per stage, the processes (`host pid N`) whose attempts succeeded.
    var ranBy: [String: [String]]

    enum CodingKeys: String, CodingKey {
      case totalAttempts = "total_attempts", nextAttemptAt = "next_attempt_at"
      case lastError = "last_error", errorKind = "error_kind", timingsMs = "timings_ms",
        waitedMs = "waited_ms"
      case ranBy = "ran_by"
      case batch, inputs, stage, status, stages, attempts, counts, partitions
    }

    /// One partition of a batch: its stage, status, attempts there and last error.
    struct Partition: Encodable {
      var partition: Int
      var stage: String
      var status: String
      var attempts: Int
      var lastError: JSONNullable<String>

      enum CodingKeys: String, CodingKey {
        case partition, stage, status, attempts
        case lastError = "last_error"
      }
    }

    init(
      _ job: JobRecord, inputs: [Int64: InputBatchRecord], open: [PartitionTaskRecord], ranBy: [Stage: [String]]
    ) {
      batch = job.seq
      self.ranBy = ranBy.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
      self.inputs = job.inputs.compactMap { inputs[$0] }.map { Input($0.batch) }
      stage = job.stage.rawValue
      status = job.status.rawValue
      stages = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0.rawValue, StatusReport.stageState(job, $0)) })
      attempts = job.attempts
      totalAttempts = job.totalAttempts
      nextAttemptAt = JSONNullable(job.nextAttemptAt.map(StatusReport.instant))
      lastError = JSONNullable(job.lastError)
      errorKind = JSONNullable(job.lastErrorKind?.rawValue)
      counts = Counts(job.counts)
      timingsMs = job.timings.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value.working }
      waitedMs = job.timings.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value.waiting }
      partitions =
        job.status == .done || job.stage == .reduce
        ? []
        : (0..<job.partitions).map { p in
          guard let task = open.first(where: { $0.partition == p }) else {
            return Partition(
              partition: p, stage: Stage.index.rawValue, status: "done", attempts: 0, lastError: JSONNullable(nil))
          }
          return Partition(
            partition: p, stage: task.state.stage.rawValue, status: task.state.status.rawValue,
            attempts: task.state.attempts, lastError: JSONNullable(task.state.lastError))
        }
    }
  }

  /// One input batch file of a batch.
  struct Input: Encodable {
    var source: String
    var name: String
    var from: String
    var to: String
    var bytes: Int64

    init(_ batch: NewInputBatch) {
      source = batch.source
      name = batch.name
      from = BatchInstant(secondsSinceEpoch: batch.from).rfc3339
      to = BatchInstant(secondsSinceEpoch: batch.to).rfc3339
      bytes = batch.bytes
    }
  }

  /// What a batch read, rejected and wrote.
  struct Counts: Encodable {
    var inputBytes: Int64
    var events: Int64
    var keys: Int64
    var rejects: Int64
    var duplicates: Int64
    var linesApplied: Int64
    var artifactsWritten: Int64
    var bytesWritten: Int64
    /// Blank lines skipped: a batch's lines are these, `lines_applied`, `duplicates` and `rejects`.
    var blankLines: Int64

    enum CodingKeys: String, CodingKey {
      case inputBytes = "input_bytes", linesApplied = "lines_applied"
      case artifactsWritten = "artifacts_written", bytesWritten = "bytes_written", blankLines = "blank_lines"
      case events, keys, rejects, duplicates
    }

    init(_ c: JobCounts) {
      inputBytes = c.inputBytes
      events = c.events
      keys = c.keys
      rejects = c.rejects
      duplicates = c.duplicates
      linesApplied = c.linesApplied
      artifactsWritten = c.artifactsWritten
      bytesWritten = c.bytesWritten
      blankLines = c.blankLines
    }
  }

  /// One source's completeness: the watermark and the holes after it.
  struct Source: Encodable {
    var source: String
    var completeThrough: JSONNullable<String>
    var gaps: [Gap]

    enum CodingKeys: String, CodingKey {
      case completeThrough = "complete_through"
      case source, gaps
    }

    init(_ s: StatusReport.SourceStatus) {
      source = s.source
      completeThrough = JSONNullable(s.watermark.completeThrough.map { BatchInstant(secondsSinceEpoch: $0).rfc3339 })
      gaps = s.watermark.gaps.map(Gap.init)
    }
  }

  /// A missing (`pending` false) or registered but not yet indexed interval (`quarantined`:
  /// set aside by an operator).
  struct Gap: Encodable {
    var from: String
    var to: String
    var pending: Bool
    /// A pending interval whose input an operator set aside.
    var quarantined: Bool
    /// A pending interval whose batch failed: the batch to retry.
    var failedBatch: JSONNullable<UInt64>

    enum CodingKeys: String, CodingKey {
      case from, to, pending, quarantined
      case failedBatch = "failed_batch"
    }

    init(_ g: Watermark.Gap) {
      from = BatchInstant(secondsSinceEpoch: g.from).rfc3339
      to = BatchInstant(secondsSinceEpoch: g.to).rfc3339
      pending = g.pending
      quarantined = g.quarantined
      failedBatch = JSONNullable(g.failedBatch)
    }
  }

  /// An inbox file refused as a whole.
  struct RefusedFile: Encodable {
    var source: String
    var name: String
    var reason: String
    var path: String
    var at: String
    /// Whether the file is no longer at `path` (an operator moved it away).
    var movedAway: Bool

    enum CodingKeys: String, CodingKey {
      case source, name, reason, path, at
      case movedAway = "moved_away"
    }

    init(_ r: RefusedFileRecord, movedAway: Bool) {
      source = r.source
      name = r.name
      reason = r.reason
      path = r.path
      at = StatusReport.instant(r.at)
      self.movedAway = movedAway
    }
  }

  /// A recent ledger event; `batch` is null for events of no batch.
  struct Event: Encodable {
    var at: String
    var kind: String
    var batch: JSONNullable<UInt64>
    var text: String

    init(_ e: LedgerEvent) {
      at = StatusReport.instant(e.at)
      kind = e.kind.rawValue
      batch = JSONNullable(e.job)
      text = e.text
    }
  }
}
