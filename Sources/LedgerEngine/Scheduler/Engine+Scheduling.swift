import Foundation
import LedgerDomain
import LedgerStorage

/// A unit of work a worker claimed.
struct Work {
  var stage: Stage
  var job: JobRecord
}

extension Engine {
  /// Claims the next runnable work among `stages`, creating a job from the backlog when the
  /// reduce stage is free. Jobs pass each stage in sequence order.
  func claimWork(stages: [Stage]) throws -> Work? {
    let now = context.clock.nowMillis()
    var jobs = try context.ledger.unfinishedJobs()
    for stage in stages {
      if stage == .reduce, try reduceCandidate(jobs, now: now) == nil, try createJobIfBacklog(jobs) {
        jobs = try context.ledger.unfinishedJobs()
      }
      guard let job = try candidate(for: stage, in: jobs, now: now) else { continue }
      let claimed = state.withLock { s -> Bool in
        guard !s.busy.contains(stage) else { return false }
        s.busy.insert(stage)
        s.runningJob[stage] = job.seq
        return true
      }
      if claimed { return Work(stage: stage, job: job) }
    }
    return nil
  }

  private func reduceCandidate(_ jobs: [JobRecord], now: Int64) throws -> JobRecord? {
    try candidate(for: .reduce, in: jobs, now: now)
  }

  /// The first job that may run `stage` now, honouring order and the look-ahead bounds.
  private func candidate(for stage: Stage, in jobs: [JobRecord], now: Int64) throws -> JobRecord? {
    for job in jobs {
      if job.stage < stage { return nil }
      if job.stage > stage { continue }
      guard runnable(job, now: now) else { return nil }
      return try admissible(job, stage: stage, jobs: jobs) ? job : nil
    }
    return nil
  }

  private func runnable(_ job: JobRecord, now: Int64) -> Bool {
    switch job.status {
    case .pending: true
    case .retrying: (job.nextAttemptAt ?? 0) <= now
    case .running, .failed, .done: false
    }
  }

  /// Look-ahead bounds keep memory flat: at most two reduced-but-unprefetched jobs and two
  /// prefetched-but-unprocessed jobs.
  private func admissible(_ job: JobRecord, stage: Stage, jobs: [JobRecord]) throws -> Bool {
    switch stage {
    case .reduce:
      return jobs.filter { $0.stage == .prefetch }.count < 2
    case .prefetch:
      return state.withLock { $0.prefetched.count } < 2
    case .process:
      if state.withLock({ $0.prefetched[job.seq] }) == nil {
        // Prefetch output lives in memory; after a restart it is fetched again.
        try context.ledger.rewind(job: job.seq, to: .prefetch)
        return false
      }
      return true
    case .index:
      return true
    }
  }

  /// Groups pending input batches into the next job (backlog-adaptive). Returns true if created.
  private func createJobIfBacklog(_ jobs: [JobRecord]) throws -> Bool {
    guard jobs.filter({ $0.stage == .reduce || $0.stage == .prefetch }).count < 2 else { return false }
    let pending = try context.ledger.ungroupedInputBatches()
    let take = options.backlog.groupSize(pendingSizes: pending.map(\.batch.bytes))
    guard take > 0 else { return false }
    let names = pending.prefix(take).map { "\($0.batch.source)/\($0.batch.name)" }
    // The grouping goes to the journal first (this engine alone creates jobs, so the number is
    // the next one): a rebuild then forms the same jobs. A crash before the ledger's commit
    // leaves a line that the job created on restart supersedes.
    let journal = RegistrationJournal(archive: context.paths.archive)
    let expected = (try context.ledger.recentJobs(limit: 1).last?.seq ?? 0) + 1
    try journal.appendJob(expected, inputs: names)
    let job = try context.ledger.createJob(
      inputs: pending.prefix(take).map(\.id), at: context.clock.nowMillis())
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
    guard state.withLock({ $0.busy.isEmpty }) else { return false }
    guard try context.ledger.ungroupedInputBatches().isEmpty else { return false }
    return try context.ledger.unfinishedJobs().allSatisfy { $0.status == .failed }
  }

  func idleReport() throws -> IdleReport {
    let failed = try context.ledger.unfinishedJobs().filter { $0.status == .failed }
    let done = try context.ledger.recentJobs(limit: Int.max / 2).filter { $0.status == .done }.count
    return IdleReport(failed: failed, jobsDone: done)
  }
}
