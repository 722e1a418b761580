import Foundation
import LedgerDomain
import LedgerStorage
import LedgerSystem

extension Engine {
  /// Runs one claimed stage attempt and records its outcome in the ledger.
  func perform(_ work: Work) throws {
    defer {
      state.withLock { s in
        s.busy.remove(work.stage)
        s.runningJob[work.stage] = nil
      }
    }
    options.beforeStage?(work.stage, work.job.seq)
    let attempt = try context.ledger.beginStage(work.stage, job: work.job.seq, at: context.clock.nowMillis())
    let counts: JobCounts
    do {
      if let fault = context.faults.fault(stage: work.stage, job: work.job.seq, attempt: attempt),
        try !alreadyInjectedPermanently(fault, job: work.job.seq)
      {
        throw fault
      }
      let started = context.clock.nowMillis()
      counts = try execute(work)
      let finished = context.clock.nowMillis()
      try context.ledger.completeStage(work.stage, job: work.job.seq, counts: counts, at: finished)
      options.logger.debug(
        "batch \(work.job.seq) \(work.stage.rawValue) done in \(finished - started) ms",
        metadata: ["batch": "\(work.job.seq)", "stage": "\(work.stage.rawValue)", "attempt": "\(attempt)"])
    } catch {
      try recordFailure(error, work: work, attempt: attempt)
      return
    }
    // The stage is recorded as done: what follows is housekeeping, never the stage's failure.
    do {
      try afterCompletion(work, counts: counts)
    } catch {
      try note(
        LedgerEvent(
          at: context.clock.nowMillis(), kind: .failure, job: work.job.seq,
          text:
            "batch \(work.job.seq) is \(work.stage == .index ? "done" : "past \(work.stage.rawValue)"), but housekeeping after it failed: \(error); leftovers are cleared on the next start"
        ))
    }
  }

  private func execute(_ work: Work) throws -> JobCounts {
    let job = work.job.seq
    let stage = work.stage
    let progress: @Sendable (Double) -> Void = { [self] fraction in
      state.withLock { $0.progress[stage] = fraction }
    }
    progress(0)
    switch work.stage {
    case .reduce:
      let output = try StatelessReducer(context: context).run(job: work.job, progress: progress)
      if output.counts.rejects > 0 {
        try note(
          LedgerEvent(
            at: context.clock.nowMillis(), kind: .reject, job: job,
            text:
              "batch \(job): \(output.counts.rejects) line\(output.counts.rejects == 1 ? "" : "s") rejected (first: \(output.rejections.first.map { "\($0.origin) \($0.reason)" } ?? ""))"
          ))
      }
      if output.blankLines > 0 {
        try note(
          LedgerEvent(
            at: context.clock.nowMillis(), kind: .info, job: job,
            text: "batch \(job): \(output.blankLines) blank line\(output.blankLines == 1 ? "" : "s") skipped"))
      }
      return output.counts
    case .prefetch:
      // The baseline is registered before any index read, so the overlay keeps every entry
      // this prefetch might not see in the key index.
      let baseline = state.withLock { s -> UInt64 in
        s.prefetching[job] = s.indexedThrough
        return s.indexedThrough
      }
      let output: Prefetcher.Output
      do {
        output = try Prefetcher(context: context).run(job: job, baseline: baseline, progress: progress)
      } catch {
        state.withLock { _ = $0.prefetching.removeValue(forKey: job) }
        throw error
      }
      state.withLock { s in
        s.prefetched[job] = output
        s.prefetching[job] = nil
      }
      return JobCounts()
    case .process:
      guard let input = state.withLock({ $0.prefetched[job] }) else {
        throw StageFailure(kind: .internalError, stage: .process, message: "no prefetched artifacts for batch \(job)")
      }
      let output = try Processor(context: context, overlay: overlay).run(input, progress: progress)
      state.withLock { s in
        s.prefetched[job] = nil
        s.processed[job] = output.written
      }
      var counts = output.counts
      counts.rejects = work.job.counts.rejects + Int64(output.rejections.count)
      return counts
    case .index:
      let written = state.withLock { $0.processed[job] }
      _ = try Indexer(context: context).run(job: job, written: written, progress: progress)
      return JobCounts()
    }
  }

  /// Bookkeeping after a stage finished: hand-offs, overlay eviction, garbage of finished jobs.
  private func afterCompletion(_ work: Work, counts: JobCounts) throws {
    guard work.stage == .index else { return }
    let job = work.job.seq
    let now = context.clock.nowMillis()
    let safe = state.withLock { s -> UInt64 in
      s.processed[job] = nil
      s.indexedThrough = max(s.indexedThrough, job)
      s.noteApplied(work.job.counts.events, at: now)
      return s.overlaySafeThrough
    }
    overlay.evict(through: safe)
    try removeIntermediateFiles(job: job)
    if options.compactEvery > 0, job % options.compactEvery == 0 {
      _ = try compactIfQuiescent(force: false)
    }
  }

  /// Stateless and manifest part files are garbage once a job is indexed.
  func removeIntermediateFiles(job: UInt64) throws {
    for p in 0..<context.partitions {
      try FileSystem.remove("\(context.paths.parts)/\(PartNames.stateless(job: job, partition: p))")
      try FileSystem.remove("\(context.paths.parts)/\(PartNames.manifest(job: job, partition: p))")
    }
  }

  private func recordFailure(_ error: any Error, work: Work, attempt: Int) throws {
    // A failed process keeps its prefetched input for the retry (compaction waits meanwhile:
    // it never runs while a prefetched job waits). A failed prefetch leaves nothing behind.
    if work.stage == .prefetch {
      state.withLock { _ = $0.prefetched.removeValue(forKey: work.job.seq) }
    }
    let failure = FailureClassifier.classify(error, stage: work.stage)
    let policy = options.retryPolicy(failure.kind)
    let now = context.clock.nowMillis()
    let job = work.job.seq
    switch policy.decision(afterFailedAttempt: attempt, random: nextRandom()) {
    case .retry(let delay):
      let millis = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
      try context.ledger.failStage(
        work.stage, job: job, kind: failure.kind, message: failure.message, nextAttemptAt: now + millis, at: now)
      try note(
        LedgerEvent(
          at: now, kind: .retry, job: job,
          text:
            "batch \(job) \(work.stage.rawValue) attempt \(attempt)/\(policy.maxAttempts) failed (\(failure.kind.rawValue)): \(failure.message); retry in \(millis) ms"
        ))
    case .giveUp:
      try context.ledger.failStage(
        work.stage, job: job, kind: failure.kind, message: failure.message, nextAttemptAt: nil, at: now)
      try note(
        LedgerEvent(
          at: now, kind: .failure, job: job,
          text:
            "batch \(job) \(work.stage.rawValue) failed after \(attempt) attempt\(attempt == 1 ? "" : "s") (\(failure.kind.rawValue)): \(failure.message); run `ledgerline retry \(job)` once fixed"
        ))
    }
  }

  /// Restart: interrupted attempts become pending again, the in-flight overlay is rebuilt from
  /// the manifests of processed-but-unindexed jobs, and leftovers of finished jobs are removed.
  func recover() throws {
    let now = context.clock.nowMillis()
    try context.ledger.resetInterruptedStages(at: now)
    let unfinished = try context.ledger.unfinishedJobs()
    let indexedThrough = try ledgerIndexedThrough()
    state.withLock { $0.indexedThrough = indexedThrough }
    var pendingIDs: [String: Set<String>] = [:]
    let indexer = Indexer(context: context)
    for job in unfinished where job.stage == .index {
      var entries = try indexer.recoverOverlay(job: job.seq)
      for (key, entry) in entries where entry.stored.ids == .external {
        let ids = pendingIDs[key, default: []].union(entry.pendingExternalIDs)
        pendingIDs[key] = ids
        entries[key]?.pendingExternalIDs = ids
      }
      overlay.record(entries)
    }
    for name in try FileSystem.listIfPresent("\(context.paths.parts)/tmp") {
      try FileSystem.remove("\(context.paths.parts)/tmp/\(name)")
    }
    for name in try FileSystem.listIfPresent(context.paths.parts) where name.hasPrefix("s-") || name.hasPrefix("m-") {
      if let job = PartNames.job(ofPart: name), job <= indexedThrough {
        try FileSystem.remove("\(context.paths.parts)/\(name)")
      }
    }
  }

  /// The highest job such that it and every job before it are indexed, per the ledger.
  func ledgerIndexedThrough() throws -> UInt64 {
    if let first = try context.ledger.unfinishedJobs().first { return first.seq - 1 }
    return try context.ledger.recentJobs(limit: 1).last?.seq ?? 0
  }

  /// An injected permanent fault fires once per job and stage: the operator's retry succeeds.
  private func alreadyInjectedPermanently(_ fault: StageFailure, job: UInt64) throws -> Bool {
    guard fault.kind == .injectedPermanent else { return false }
    return try context.ledger.stageRuns(job: job).contains {
      $0.stage == fault.stage && $0.outcome == FailureKind.injectedPermanent.rawValue
    }
  }
}
