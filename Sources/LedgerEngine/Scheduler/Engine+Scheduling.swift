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
    let jobs = try context.ledger.unfinishedJobs()
    let partitions = jobs.contains { $0.stage != .reduce } ? try context.ledger.unfinishedPartitionTasks() : []
    let waiting = try context.ledger.ungroupedInputBatches().count
    let (held, compacting) = state.withLock { s in (Set(s.prefetched.keys), s.compacting) }
    let now = context.clock.nowMillis()
    return PartitionScheduler(
      ledgerJobs: jobs, partitions: partitions, waitingInputs: waiting, held: held,
      heldElsewhere: try heldElsewhere(partitions, held: held, now: now), compacting: compacting, now: now,
      limits: schedulerLimits)
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

  var schedulerLimits: PartitionScheduler.Limits {
    PartitionScheduler.Limits(reducedAhead: 2, heldPartitions: 2 * max(1, context.partitions))
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
          try context.ledger.rewind(job: key.job, partition: key.partition, to: .prefetch)
          continue
        case .createJob:
          guard try createJob() else { return .wait(until: nil) }
          continue
        case .start:
          let task = options.taskOrderSeed == nil ? starts[0] : starts[Int(nextRandom() * Double(starts.count))]
          guard let job = try context.ledger.job(task.job) else { throw LedgerError.unknownJob(task.job) }
          let attempt: Int
          do {
            attempt = try context.ledger.beginTask(task, at: context.clock.nowMillis(), by: processID)
          } catch LedgerError.notRunnable where lostClaims < Self.maxLostClaims {
            // Another process sharing the store claimed it first: decide again from the ledger.
            lostClaims += 1
            continue
          }
          state.withLock { $0.running[task] = 0 }
          return .work(Work(task: task, job: job, attempt: attempt))
        case .wait(let until):
          return .wait(until: until)
        case .idle(let blocked):
          return .idle(blocked: blocked)
        case nil:
          return .wait(until: nil)
        }
      }
    }
  }

  /// Claims lost to other processes in a row before the loss is an error (a scheduler that keeps
  /// choosing a task the ledger refuses is a bug, not a race).
  static let maxLostClaims = 64

  /// Groups pending input batches into the next job (backlog-adaptive); false when none wait.
  /// One process of those sharing the store creates jobs at a time, so the number the journal
  /// expects is the one the ledger gives.
  private func createJob() throws -> Bool {
    try context.ledger.exclusively(.jobCreation, wait: true) { try createJobAlone() } ?? false
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
    let job = try context.ledger.createJob(
      inputs: pending.prefix(take).map(\.id), partitions: context.partitions, at: context.clock.nowMillis())
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
    let done = try context.ledger.recentJobs(limit: Int.max / 2).filter { $0.status == .done }.count
    return IdleReport(failed: failed, jobsDone: done)
  }
}
