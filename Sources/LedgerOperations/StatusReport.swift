import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

/// What `ledgerline status` shows: batches, stages, backlog, retries, watermarks, refusals.
public struct StatusReport: Sendable {
  /// One source's completeness.
  public struct SourceStatus: Sendable {
    public var source: String
    public var watermark: Watermark
  }

  public var jobs: [JobRecord]
  public var inputs: [Int64: InputBatchRecord]
  public var backlogDepth: Int
  public var backlogBytes: Int64
  public var sources: [SourceStatus]
  public var refusals: [RefusedFileRecord]
  public var artifacts: Int
  public var events: [LedgerEvent]
  /// Bytes of artifact part files now.
  public var storedBytes: Int64
  /// The latest compaction pass (its live bytes), if any.
  public var lastCompaction: CompactionRecord?
  /// Inputs an operator set aside (`ledgerline quarantine`), not applied until released.
  public var quarantined: [InputBatchRecord] = []
  /// The paths (`refused/<source>/<name>`) of refused files no longer there: an operator moved
  /// them away (to fix and re-deliver them, or to discard them). Those still there wait for one.
  public var refusalsMovedAway: Set<String> = []
  /// Inbox entries that are not batches, with the reason.
  public var ignored: [InboxScanner.IgnoredEntry] = []
  /// The partitions not yet done of unfinished jobs past reduce (the others are done).
  public var openPartitions: [UInt64: [PartitionTaskRecord]] = [:]
  /// The engine processes running on the store, then the last few that ended.
  public var processes: [ProcessRecord] = []
  /// Per process id, the attempts it is running now (`batch 5 partition 2 process`).
  public var holding: [Int64: [String]] = [:]
  /// Per job, per stage, the processes whose attempt succeeded (by name, in order).
  public var ranBy: [UInt64: [Stage: [String]]] = [:]
  /// When the report was read (milliseconds since the epoch).
  public var readAt: Int64 = 0
  /// The store's id and where its ledger and index live (nil when not known: a report built
  /// from a bare context).
  public var store: (id: String?, backend: StoreBackend)?

  /// Reads the report from the ledger and key index.
  /// Reads the report of `workspace`'s store, naming the store and its backend.
  public static func build(_ workspace: Workspace, jobLimit: Int = 50) throws -> StatusReport {
    var report = try build(workspace.context, jobLimit: jobLimit)
    report.store = (workspace.storeID, workspace.backend)
    return report
  }

  public static func build(_ context: EngineContext, jobLimit: Int = 50) throws -> StatusReport {
    let jobs = try context.ledger.recentJobs(limit: jobLimit)
    let processes = try context.ledger.processes(recentlyEnded: 5)
    let names = Dictionary(uniqueKeysWithValues: processes.map { ($0.id, $0.name) })
    var holding: [Int64: [String]] = [:]
    var ranBy: [UInt64: [Stage: [String]]] = [:]
    let runs = try context.ledger.stageRuns(jobs: jobs.map(\.seq))
    for job in jobs {
      for run in runs[job.seq] ?? [] {
        guard let process = run.process else { continue }
        let task = "batch \(job.seq)" + (run.partition.map { " partition \($0)" } ?? "") + " \(run.stage.rawValue)"
        if run.endedAt == nil { holding[process, default: []].append(task) }
        if run.outcome == "ok" {
          let name = names[process] ?? "process \(process)"
          if ranBy[job.seq, default: [:]][run.stage, default: []].contains(name) == false {
            ranBy[job.seq, default: [:]][run.stage, default: []].append(name)
          }
        }
      }
    }
    let inputRecords = try context.ledger.inputBatches(ids: jobs.flatMap(\.inputs))
    let backlog = try context.ledger.ungroupedInputBatches()
    let quarantined = try context.ledger.quarantinedInputBatches()
    let failed = Watermark.failedIntervals(jobs: jobs, inputs: inputRecords)
    let sources = try context.ledger.sourceIntervals().sorted { $0.key < $1.key }.map { source, list in
      SourceStatus(
        source: source,
        watermark: Watermark.compute(list.map { Watermark.Interval(from: $0.from, to: $0.to, indexed: $0.done) })
          .marking(
            quarantined: quarantined.filter { $0.batch.source == source }.map { ($0.batch.from, $0.batch.to) },
            failed: failed[source] ?? []))
    }
    let refusals = try context.ledger.refusals(limit: 20)
    return StatusReport(
      jobs: jobs, inputs: Dictionary(uniqueKeysWithValues: inputRecords.map { ($0.id, $0) }),
      backlogDepth: backlog.count, backlogBytes: backlog.reduce(0) { $0 + $1.batch.bytes },
      sources: sources, refusals: refusals,
      artifacts: try context.keyIndex.count(), events: try context.ledger.recentEvents(limit: 20),
      storedBytes: try PartNames.artifactPartBytes(in: context.paths.parts),
      lastCompaction: try context.ledger.lastCompaction(),
      quarantined: quarantined,
      refusalsMovedAway: Set(refusals.map(\.path).filter { !FileSystem.exists("\(context.paths.root)/\($0)") }),
      ignored: try InboxScanner.ignoredEntries(inbox: context.paths.inbox),
      openPartitions: jobs.contains { $0.status != .done && $0.stage != .reduce }
        ? Dictionary(grouping: try context.ledger.unfinishedPartitionTasks(), by: \.job) : [:],
      processes: processes, holding: holding, ranBy: ranBy, readAt: context.clock.nowMillis())
  }

  /// The state of `stage` for `job`: done, pending, running, retrying or failed.
  public static func stageState(_ job: JobRecord, _ stage: Stage) -> String {
    if job.status == .done || stage < job.stage { return "done" }
    if stage > job.stage { return "pending" }
    return job.status.rawValue
  }

  static func instant(_ millis: Int64) -> String {
    BatchInstant(secondsSinceEpoch: millis / 1000).rfc3339
  }
}
