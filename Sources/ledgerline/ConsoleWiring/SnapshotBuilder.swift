import LedgerConsole
import LedgerDomain
import LedgerEngine
import LedgerStorage

/// Builds a `ConsoleSnapshot` from the workflow ledger and the engine's live view.
struct SnapshotBuilder {
  let context: EngineContext
  let live: EngineLive?
  let readOnly: Bool
  /// Inbox entries that are not batches, when the caller already knows them (listing the inbox
  /// is file-system work the console need not repeat four times a second).
  var ignoredInInbox: [InboxScanner.IgnoredEntry]? = nil

  func build() throws -> ConsoleSnapshot {
    let jobs = try context.ledger.recentJobs(limit: 200)
    var partitions: [UInt64: [PartitionTaskRecord]] = [:]
    if jobs.contains(where: { $0.status != .done && $0.stage != .reduce }) {
      for task in try context.ledger.unfinishedPartitionTasks() { partitions[task.job, default: []].append(task) }
    }
    var ranges: [UInt64: [ReduceRangeRecord]] = [:]
    for job in jobs where job.status != .done && job.stage == .reduce {
      ranges[job.seq] = try context.ledger.reduceRanges(job: job.seq)
    }
    let inputs = try context.ledger.inputBatches(ids: jobs.flatMap(\.inputs))
    let names = Dictionary(uniqueKeysWithValues: inputs.map { ($0.id, "\($0.batch.source)/\($0.batch.name)") })
    let backlog = try context.ledger.ungroupedInputBatches().count
    let quarantined = try context.ledger.quarantinedInputBatches()
    let failed = Watermark.failedIntervals(jobs: jobs, inputs: inputs)
    let completeness = try context.ledger.sourceIntervals().sorted { $0.key < $1.key }.map { source, list in
      let w = Watermark.compute(list.map { Watermark.Interval(from: $0.from, to: $0.to, indexed: $0.done) })
        .marking(
          quarantined: quarantined.filter { $0.batch.source == source }.map { ($0.batch.from, $0.batch.to) },
          failed: failed[source] ?? [])
      return SourceCompleteness(
        source: source, watermark: w.completeThrough.map { BatchInstant(secondsSinceEpoch: $0).rfc3339 },
        gaps: w.gaps.map {
          "\(BatchInstant(secondsSinceEpoch: $0.from).rfc3339)–\(BatchInstant(secondsSinceEpoch: $0.to).rfc3339) \(Watermark.describe($0))"
        })
    }
    var feed = try context.ledger.recentEvents(limit: 50).map { event in
      FeedItem(time: event.at / 1000, kind: feedKind(event.kind), text: event.text, job: event.job)
    }
    feed += try standingNotices()
    return ConsoleSnapshot(
      dataDirectory: context.paths.root, engineState: engineState(jobs), readOnly: readOnly,
      takenAt: context.clock.nowMillis() / 1000, throughput: live?.throughput ?? ledgerThroughput(jobs),
      backlog: backlog,
      backlogHistory: live?.backlogHistory ?? [backlog], completeness: completeness,
      jobs: jobs.map { row($0, names: names, partitions: partitions[$0.seq] ?? [], ranges: ranges[$0.seq] ?? []) },
      feed: feed)
  }

  /// What stays true until someone acts, shown last in the event pane: inputs set aside and
  /// inbox entries that are not batches.
  private func standingNotices() throws -> [FeedItem] {
    let now = context.clock.nowMillis() / 1000
    let quarantined = try context.ledger.quarantinedInputBatches().map { input in
      FeedItem(
        time: now, kind: .failure,
        text:
          "quarantined: \(input.batch.source)/\(input.batch.name) is not applied; release it with `ledgerline quarantine --release \(input.id)`"
      )
    }
    let ignored = try (ignoredInInbox ?? InboxScanner.ignoredEntries(inbox: context.paths.inbox)).map { entry in
      FeedItem(time: now, kind: .reject, text: "ignored in the inbox: \(entry.path): \(entry.reason)")
    }
    return quarantined + ignored
  }

  /// Events per second indexed in the last minute, from the ledger: what a console without its
  /// own engine shows (a read-only console beside a running engine).
  func ledgerThroughput(_ jobs: [JobRecord]) -> Int {
    let now = context.clock.nowMillis()
    let events = jobs.filter { job in
      guard job.status == .done, let ended = job.timings[.index]?.endedAt else { return false }
      return now - ended <= 60_000
    }.reduce(Int64(0)) { $0 + $1.counts.events }
    return Int(events / 60)
  }

  /// A registered engine silent for longer than this (five heartbeats) is shown as such.
  static let silentSeconds: Int64 = 10

  private func engineState(_ jobs: [JobRecord]) -> String {
    guard let live else {
      guard readOnly else { return "stopped" }
      // No engine in this process: say whether one runs on this store, on any host (the process
      // registry), else on this data directory (its lock).
      let active = jobs.contains { $0.status == .running }
      let engines = (try? context.ledger.processes(recentlyEnded: 0)) ?? []
      if let engine = engines.last {
        let now = context.clock.nowMillis()
        let silent = (now - engine.heartbeatAt) / 1000
        let doing = silent > Self.silentSeconds ? "no heartbeat for \(silent) s" : active ? "running" : "idle"
        guard engines.count > 1 else { return "\(doing) on \(engine.name) (read-only here)" }
        // A fleet: how many engines, and how many of them went silent.
        let quiet = engines.filter { (now - $0.heartbeatAt) / 1000 > Self.silentSeconds }.count
        let state = active ? "running" : "idle"
        return "\(state) on \(engines.count) engines\(quiet > 0 ? ", \(quiet) silent" : "") (read-only here)"
      }
      if let pid = DataDirectory(root: context.paths.root).engineHolder() {
        return "\(active ? "running" : "idle") in pid \(pid) (read-only here)"
      }
      return "not running (read-only here)"
    }
    if live.stopping { return "stopping" }
    if !live.running.isEmpty { return "running" }
    return "idle"
  }

  private func feedKind(_ kind: LedgerEvent.Kind) -> FeedItem.Kind {
    switch kind {
    case .retry: .retry
    case .failure: .failure
    case .reject: .reject
    case .correction: .correction
    case .info, .refusal, .operatorAction: .info
    }
  }

  func row(
    _ job: JobRecord, names: [Int64: String], partitions: [PartitionTaskRecord] = [], ranges: [ReduceRangeRecord] = []
  ) -> JobRow {
    let stages = Stage.allCases.map { cell(job, $0) }
    let timings: [Duration?] = Stage.allCases.map { job.timings[$0]?.working.map(Duration.milliseconds) }
    let waits: [Duration?] = Stage.allCases.map { job.timings[$0]?.waiting.map(Duration.milliseconds) }
    var row = JobRow(
      seq: job.seq, inputs: job.inputs.compactMap { names[$0] }, stages: stages,
      events: Int(job.counts.events), keys: Int(job.counts.keys), rejects: Int(job.counts.rejects),
      duplicates: Int(job.counts.duplicates), timings: timings, waits: waits,
      attempts: job.totalAttempts,
      lastError: job.lastError, state: state(job))
    row.applied = Int(job.counts.linesApplied)
    if job.status != .done, job.stage == .reduce, ranges.count > 1 {
      row.ranges = ranges.sorted { $0.range < $1.range }.map { taskCell($0.state, task: $0.task) }
    }
    if job.status != .done, job.stage != .reduce {
      // Partitions not listed as unfinished are done.
      row.partitions = (0..<max(1, job.partitions)).map { p in
        guard let task = partitions.first(where: { $0.partition == p }) else {
          return JobRow.PartitionCell(partition: p, stage: .index, cell: .done)
        }
        return partitionCell(task)
      }
    }
    return row
  }

  private func partitionCell(_ task: PartitionTaskRecord) -> JobRow.PartitionCell {
    let stage = PipelineStage(rawValue: Stage.allCases.firstIndex(of: task.state.stage) ?? 0) ?? .index
    return JobRow.PartitionCell(partition: task.partition, stage: stage, cell: taskCell(task.state, task: task.task))
  }

  /// How a partition's or a range's task stands (a running one with this process's progress).
  private func taskCell(_ state: TaskState, task: TaskRef) -> StageCell {
    switch state.status {
    case .pending: return .pending
    case .running: return .running(progress: live?.tasks[task] ?? 0)
    case .retrying:
      let max = RetryPolicy.forKind(state.lastErrorKind ?? .transientIO).maxAttempts
      return .retrying(attempt: state.attempts, of: max, retryAt: (state.nextAttemptAt ?? 0) / 1000)
    case .failed: return .failed(error: state.lastError ?? "failed")
    case .done: return .done
    }
  }

  private func cell(_ job: JobRecord, _ stage: Stage) -> StageCell {
    if job.status == .done || stage < job.stage { return .done }
    if stage > job.stage { return .pending }
    switch job.status {
    case .pending: return .pending
    case .running:
      let progress = live?.running[stage].flatMap { $0.job == job.seq ? $0.progress : nil } ?? 0
      return .running(progress: progress)
    case .retrying:
      let max = RetryPolicy.forKind(job.lastErrorKind ?? .transientIO).maxAttempts
      return .retrying(attempt: job.attempts, of: max, retryAt: (job.nextAttemptAt ?? 0) / 1000)
    case .failed: return .failed(error: job.lastError ?? "failed")
    case .done: return .done
    }
  }

  private func state(_ job: JobRecord) -> JobRow.State {
    switch job.status {
    case .pending: .pending
    case .running: .running
    case .retrying: .retrying
    case .failed: .failed
    case .done: .done
    }
  }
}
