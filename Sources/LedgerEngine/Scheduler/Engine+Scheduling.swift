import Foundation
import LedgerDomain
import LedgerStorage

/// A task a worker claimed: attempt `attempt` of `task`, the fencing token of its outcome.
struct Work {
  var task: TaskRef
  var job: JobRecord
  var attempt: Int
}

/// What a worker should do after asking for work.
enum Claim {
  case work(Work)
  /// Nothing to start now; look again at `until` (a retry falls due) or when woken.
  case wait(until: Int64?)
  /// Nothing left without new input or an operator.
  case idle(blocked: [UInt64])
}

extension Engine {
  /// The scheduler for the ledger's state as it is now, with what this process holds.
  func scheduler() throws -> PartitionScheduler {
    let now = context.clock.nowMillis()
    let fleet = context.ledger.admitsSeveralEngines
    if fleet { try sweepIfDue(now: now) }
    let (jobs, lastJob) = try unfinishedJobs(readingNewest: fleet)
    let partitions = jobs.contains { $0.stage != .reduce } ? try context.ledger.unfinishedPartitionTasks() : []
    let ranges = jobs.contains { $0.stage == .reduce } ? try context.ledger.unfinishedReduceRanges() : []
    let waiting = try context.ledger.ungroupedInputBatches().count
    if fleet { followIndexing(jobs: jobs, partitions: partitions, lastJob: lastJob) }
    let (held, compacting, here) = state.withLock { s in
      (Set(s.prefetched.keys), s.compacting, Array(s.running.keys))
    }
    let running = (
      indexing: partitions.filter { $0.state.stage == .index && $0.state.status == .running }.count,
      reducing: ranges.filter { $0.state.status == .running }.count
    )
    return PartitionScheduler(
      ledgerJobs: jobs, ranges: ranges, partitions: partitions, waitingInputs: waiting, held: held,
      heldElsewhere: try heldElsewhere(partitions, held: held, now: now), compacting: compacting, now: now,
      limits: schedulerLimits(
        indexing: running.indexing, indexingHere: here.filter { $0.stage == .index }.count,
        reducing: running.reducing, reducingHere: here.filter { $0.stage == .reduce }.count))
  }

  /// The ledger's unfinished jobs, and the newest job as read *before* them (0 unless
  /// `readingNewest`): if none is unfinished, every job up to it is done. Read after, it could
  /// name a job created meanwhile, which the list does not show unfinished.
  func unfinishedJobs(readingNewest: Bool = true) throws -> (unfinished: [JobRecord], newest: UInt64) {
    let newest = readingNewest ? try context.ledger.recentJobs(limit: 1).last?.seq ?? 0 : 0
    return (try context.ledger.unfinishedJobs(), newest)
  }

  /// In a fleet, at most once per heartbeat: expires the processes silent past their lease, so
  /// their tasks can be claimed again.
  func sweepIfDue(now: Int64) throws {
    let due = state.withLock { s -> Bool in
      guard now - s.lastExpirySweep >= options.heartbeatMillis else { return false }
      s.lastExpirySweep = now
      return true
    }
    if due { try expireSilentProcesses(now: now) }
  }

  /// In a fleet, other processes index partitions too: what the ledger says is indexed, per
  /// partition, moves this process's view forward, and overlay entries no task here can still
  /// need are dropped.
  private func followIndexing(jobs: [JobRecord], partitions: [PartitionTaskRecord], lastJob: UInt64) {
    let (floor, indexed) = Self.indexedThrough(jobs: jobs, partitions: partitions, lastJob: lastJob)
    let safe = state.withLock { s -> UInt64 in
      s.indexedFloor = max(s.indexedFloor, floor)
      for (p, job) in indexed { s.indexedThrough[p] = max(s.indexed(p), job) }
      return s.releaseOverlayHolds(partitions: context.partitions)
    }
    overlay.evict(through: safe)
  }

  /// What the ledger says is indexed: every job ≤ `floor` is done, and per partition the last job,
  /// in order, through which that partition is indexed. `lastJob` is the newest job as read
  /// *before* `jobs` (the unfinished ones): read after, it could name a job created meanwhile,
  /// which `jobs` does not show unfinished.
  static func indexedThrough(
    jobs: [JobRecord], partitions: [PartitionTaskRecord], lastJob: UInt64
  ) -> (floor: UInt64, byPartition: [Int: UInt64]) {
    let floor = jobs.first.map { $0.seq - 1 } ?? lastJob
    var byJob: [UInt64: Set<Int>] = [:]
    for task in partitions { byJob[task.job, default: []].insert(task.partition) }
    var indexed: [Int: UInt64] = [:]
    var blocked: Set<Int> = []
    for job in jobs {
      let open = byJob[job.seq] ?? []
      for p in 0..<max(1, job.partitions) where !blocked.contains(p) {
        if job.stage == .reduce || open.contains(p) {
          blocked.insert(p)
        } else {
          indexed[p] = job.seq
        }
      }
    }
    return (floor, indexed)
  }

  /// Partitions waiting for process whose prefetch output another live process holds: the
  /// process whose prefetch attempt succeeded, registered and heard from within
  /// `options.leaseMillis`. Asked of the ledger only for partitions this process does not hold
  /// (none, but after a restart, while one engine runs on a store).
  func heldElsewhere(_ partitions: [PartitionTaskRecord], held: Set<PartitionKey>, now: Int64) throws
    -> Set<PartitionKey>
  {
    let candidates = partitions.filter {
      $0.state.stage == .process && $0.state.status != .done
        && !held.contains(PartitionKey(job: $0.job, partition: $0.partition))
    }
    guard !candidates.isEmpty else { return [] }
    let me = processID
    let live = Set(
      try context.ledger.processes(recentlyEnded: 0).filter { now - $0.heartbeatAt <= options.leaseMillis }.map(\.id)
    ).subtracting(me.map { [$0] } ?? [])
    guard !live.isEmpty else { return [] }
    var out: Set<PartitionKey> = []
    for job in Set(candidates.map(\.job)) {
      let runs = try context.ledger.stageRuns(job: job)
      for task in candidates where task.job == job {
        let prefetched = runs.last { $0.stage == .prefetch && $0.partition == task.partition && $0.outcome == "ok" }
        if let holder = prefetched?.process, live.contains(holder) {
          out.insert(PartitionKey(job: job, partition: task.partition))
        }
      }
    }
    return out
  }

  /// How far work may run ahead. The index has one writer (SQLite) unless it admits concurrent
  /// publishes (PostgreSQL): then each process of a fleet may index one partition at a time (it
  /// has one connection to the index), beside the `indexing` tasks the ledger shows running,
  /// `indexingHere` of them in this process. Likewise each process of a fleet may reduce one job
  /// beside the `reducing` ones (`reducingHere` here); one engine alone reduces one at a time.
  func schedulerLimits(indexing: Int, indexingHere: Int, reducing: Int = 0, reducingHere: Int = 0)
    -> PartitionScheduler.Limits
  {
    var limits = PartitionScheduler.Limits(reducedAhead: 2, heldPartitions: 2 * max(1, context.partitions))
    let oneMore = { (fleetwide: Int, here: Int) in here > 0 ? max(1, fleetwide) : fleetwide + 1 }
    if context.keyIndex.admitsConcurrentPublishes {
      limits.indexWriters = oneMore(indexing, indexingHere)
    }
    if context.ledger.admitsSeveralEngines {
      limits.reducers = oneMore(reducing, reducingHere)
    }
    return limits
  }

  /// Asks the scheduler what to do and claims the task it names in the ledger (one claim at a
  /// time in this process). Rewinds and new jobs are carried out on the way.
  func claimWork() throws -> Claim {
    try claiming.withLock { _ in
      var lostClaims = 0
      while true {
        let actions = try scheduler().decide()
        let starts = actions.compactMap { action -> TaskRef? in
          if case .start(let task) = action { return task }
          return nil
        }
        switch actions.first {
        case .rewind(let key):
          // Prefetch output lives in memory; after a restart the partition is fetched again.
          do {
            try outlastingStalledPeers {
              try context.ledger.rewind(job: key.job, partition: key.partition, to: .prefetch)
            }
          } catch let error as LedgerError where context.ledger.admitsSeveralEngines && lostClaims < Self.maxLostClaims
          {
            // Another process rewound or claimed it meanwhile: decide again from the ledger.
            options.logger.debug("rewind of \(key.job)/\(key.partition) refused: \(error)")
            lostClaims += 1
          }
          continue
        case .createJob:
          guard try createJob() else { return .wait(until: nil) }
          continue
        case .start:
          // Most urgent first; a seeded test starts the list at a random task instead.
          let first = options.taskOrderSeed == nil ? 0 : Int(nextRandom() * Double(starts.count))
          let candidates = Array(starts[first...] + starts[..<first])
          guard let (task, attempt) = try beginFirst(of: candidates) else {
            // Every candidate was claimed, or is being changed, by another process sharing the
            // store (an engine of a fleet, an operator's command): decide again from the ledger.
            lostClaims += 1
            if lostClaims < Self.maxLostClaims { continue }
            // A fleet under contention looks again after a poll; one engine alone that keeps
            // choosing tasks the ledger refuses has a bug.
            guard context.ledger.admitsSeveralEngines else {
              throw LedgerError.notRunnable(task: candidates[0].description, status: "refused by the ledger")
            }
            return .wait(until: nil)
          }
          guard let job = try context.ledger.job(task.job) else { throw LedgerError.unknownJob(task.job) }
          state.withLock { $0.running[task] = 0 }
          return .work(Work(task: task, job: job, attempt: attempt))
        case .wait(let until):
          guard context.ledger.admitsSeveralEngines, let lease = try nextLeaseExpiry() else {
            return .wait(until: until)
          }
          return .wait(until: min(until ?? lease, lease))
        case .idle(let blocked):
          return .idle(blocked: blocked)
        case nil:
          return .wait(until: nil)
        }
      }
    }
  }

  /// Claims the first of `candidates` the ledger lets this process begin. In a fleet, a prefetch
  /// or process begins only while no compaction pass runs anywhere (it relocates the artifacts
  /// they read): while one runs, the other candidates are tried first, then the section is
  /// waited for.
  private func beginFirst(of candidates: [TaskRef]) throws -> (task: TaskRef, attempt: Int)? {
    let begin = { [self] (tasks: [TaskRef]) in
      try outlastingStalledPeers {
        try context.ledger.beginFirstTask(of: tasks, at: context.clock.nowMillis(), by: processID)
      }
    }
    let gated = { (task: TaskRef) in task.stage == .prefetch || task.stage == .process }
    guard context.ledger.admitsSeveralEngines, candidates.contains(where: gated) else { return try begin(candidates) }
    if let claimed = try context.ledger.exclusively(.compaction, wait: false, { try begin(candidates) }) {
      return claimed
    }
    let ungated = candidates.filter { !gated($0) }
    if !ungated.isEmpty, let claimed = try begin(ungated) { return claimed }
    return try exclusivelyWaiting(.compaction) { try begin(candidates) }
  }

  /// In a fleet, when the first other process still listed would be silent past its lease if it
  /// does not beat again: waiting, this process looks again then (a simulated clock jumps there).
  private func nextLeaseExpiry() throws -> Int64? {
    let me = processID
    return try context.ledger.processes(recentlyEnded: 0).filter { $0.id != me }
      .map { $0.heartbeatAt + options.leaseMillis + 1 }.min()
  }

  /// Runs `body` as the only holder of `section` among the processes sharing the store, waiting
  /// for another holder. In a fleet the wait expires the processes silent past their lease as it
  /// goes: a process stopped while it held the section would otherwise hold it forever (its
  /// expiry ends its sessions, and the section with them).
  func exclusivelyWaiting<T>(_ section: ExclusiveSection, _ body: () throws -> T) throws -> T {
    guard context.ledger.admitsSeveralEngines else {
      guard let result = try context.ledger.exclusively(section, wait: true, body) else {
        throw LedgerError.notRunnable(task: section.rawValue, status: "held by another process")
      }
      return result
    }
    while true {
      if let result = try context.ledger.exclusively(section, wait: false, body) { return result }
      try sweepIfDue(now: context.clock.nowMillis())
      Thread.sleep(forTimeInterval: 0.02)
    }
  }

  /// Claims lost to other processes in a row (rewinds refused, or no candidate free) before the
  /// engine stops deciding: a fleet's waits and looks again after a poll; one engine alone
  /// throws (a scheduler that keeps choosing tasks the ledger refuses is a bug, not a race).
  static let maxLostClaims = 64

  /// Groups pending input batches into the next job (backlog-adaptive); false when none wait.
  /// One process of those sharing the store creates jobs at a time, so the number the journal
  /// expects is the one the ledger gives.
  private func createJob() throws -> Bool {
    try exclusivelyWaiting(.jobCreation) { try createJobAlone() }
  }

  private func createJobAlone() throws -> Bool {
    let pending = try context.ledger.ungroupedInputBatches()
    let take = options.backlog.groupSize(pendingSizes: pending.map(\.batch.bytes))
    guard take > 0 else { return false }
    let names = pending.prefix(take).map { "\($0.batch.source)/\($0.batch.name)" }
    // The grouping goes to the journal first (this process alone creates jobs now, so the number
    // is the next one): a rebuild then forms the same jobs. A crash before the ledger's commit
    // leaves a line that the job created on restart supersedes.
    let journal = RegistrationJournal(archive: context.paths.archive)
    let expected = (try context.ledger.recentJobs(limit: 1).last?.seq ?? 0) + 1
    try journal.appendJob(expected, inputs: names)
    let job = try outlastingStalledPeers {
      try context.ledger.createJob(
        inputs: pending.prefix(take).map(\.id), partitions: context.partitions, at: context.clock.nowMillis())
    }
    if job.seq != expected { try journal.appendJob(job.seq, inputs: names) }
    try note(
      LedgerEvent(
        at: job.createdAt, kind: .info, job: job.seq,
        text:
          "batch \(job.seq) takes \(take) input batch\(take == 1 ? "" : "es") (backlog \(pending.count)): \(names.prefix(3).joined(separator: ", "))\(take > 3 ? ", …" : "")"
      ))
    return true
  }

  /// True when nothing can run now or later without new input or an operator.
  func isIdle() throws -> Bool {
    guard state.withLock({ $0.running.isEmpty }) else { return false }
    if case .idle = try scheduler().decide().first { return true }
    return false
  }

  func idleReport() throws -> IdleReport {
    let failed = try context.ledger.unfinishedJobs().filter { $0.status == .failed }
    return IdleReport(failed: failed, jobsDone: try doneJobs())
  }

  /// How many jobs the store holds done.
  func doneJobs() throws -> Int {
    try context.ledger.recentJobs(limit: Int.max / 2).filter { $0.status == .done }.count
  }
}
