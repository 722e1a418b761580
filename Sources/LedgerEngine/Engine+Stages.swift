import Foundation
import LedgerDomain
import LedgerStorage
import LedgerSystem

extension Engine {
  /// Runs one claimed task attempt and records its outcome in the ledger under its attempt.
  func perform(_ work: Work) throws {
    let task = work.task
    defer { state.withLock { _ = $0.running.removeValue(forKey: task) } }
    options.beforeTask?(task)
    let counts: JobCounts
    do {
      if let fault = context.faults.fault(stage: task.stage, job: task.job, attempt: work.attempt),
        try !alreadyInjectedPermanently(fault, task: task)
      {
        throw fault
      }
      let started = context.clock.nowMillis()
      counts = try execute(work)
      let finished = context.clock.nowMillis()
      try outlastingStalledPeers {
        try context.ledger.completeTask(task, attempt: work.attempt, counts: counts, at: finished)
      }
      options.logger.debug(
        "\(task) done in \(finished - started) ms",
        metadata: [
          "batch": "\(task.job)", "stage": "\(task.stage.rawValue)",
          "partition": "\(task.partition.map(String.init) ?? "-")",
          "attempt": "\(work.attempt)",
        ])
    } catch {
      try recordFailure(error, work: work)
      return
    }
    // The task is recorded as done: what follows is housekeeping, never the task's failure.
    do {
      try afterCompletion(work)
    } catch {
      try note(
        LedgerEvent(
          at: context.clock.nowMillis(), kind: .failure, job: task.job,
          text:
            "\(task) is done, but housekeeping after it failed: \(error); leftovers are cleared on the next start"
        ))
    }
  }

  private func execute(_ work: Work) throws -> JobCounts {
    let task = work.task
    let job = task.job
    let progress: @Sendable (Double) -> Void = { [self] fraction in
      state.withLock { $0.running[task] = fraction }
    }
    guard let p = task.partition else {
      let k = task.range ?? 0
      let ranges = try context.ledger.reduceRanges(job: job)
      guard let range = ranges.first(where: { $0.range == k }) else {
        throw StageFailure(kind: .internalError, stage: .reduce, message: "\(task): the batch has no such range")
      }
      let reducer = StatelessReducer(context: context, rangeBytes: options.decodeRangeBytes)
      let run = PartNames.run(process: processID, attempt: work.attempt)
      let output: StatelessReducer.Output
      if ranges.count > 1, let extent = range.extent {
        output = try reducer.run(
          job: work.job, range: k, of: ranges.count, extent: extent, run: run, progress: progress)
      } else {
        // One range: the whole batch, as a reduce before ranges wrote it.
        output = try reducer.run(job: work.job, run: run, progress: progress)
        try reducer.removeRangeRejects(job: job, from: 1)
      }
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
    }
    let key = PartitionKey(job: job, partition: p)
    switch task.stage {
    case .reduce:
      throw StageFailure(kind: .internalError, stage: .reduce, message: "\(task): reduce has no partitions")
    case .prefetch:
      // The baseline is registered before any index read, so the overlay keeps every entry
      // this prefetch might not see in the key index.
      let baseline = state.withLock { s -> UInt64 in
        s.prefetching[key] = s.indexed(p)
        return s.indexed(p)
      }
      let output: PrefetchedPartition
      do {
        try loadOverlayBeforePrefetch(job: job, partition: p)
        let stateless = try StageOutputs(context: context, job: job).stateless(partition: p)
        output = try Prefetcher(context: context).run(job: job, partition: p, stateless: stateless)
      } catch {
        state.withLock { _ = $0.prefetching.removeValue(forKey: key) }
        throw error
      }
      state.withLock { s in
        s.prefetched[key] = EngineState.Prefetched(baseline: baseline, partition: output)
        s.prefetching[key] = nil
      }
      return JobCounts()
    case .process:
      guard let input = state.withLock({ $0.prefetched[key] }) else {
        throw StageFailure(kind: .internalError, stage: .process, message: "no prefetched artifacts for \(task)")
      }
      let stateless = try StageOutputs(context: context, job: job).stateless(partition: p)
      let output = try Processor(context: context, overlay: overlay).run(
        job: job, partition: p, of: max(1, work.job.partitions), prefetched: input.partition,
        run: PartNames.run(process: processID, attempt: work.attempt), stateless: stateless)
      state.withLock { s in
        s.prefetched[key] = nil
        s.processed[key] = output.written
        s.overlayHolds.insert(key)
      }
      var counts = output.counts
      counts.rejects = Int64(output.rejections.count)
      // A key may be in several ranges: a reduce planned as several counts none, and each
      // partition adds its merged groups (keys never cross partitions), once, as it is processed.
      if stateless.count > 1 { counts.keys = Int64(input.partition.groupCount) }
      return counts
    case .index:
      let written = state.withLock { $0.processed[key] }
      _ = try Indexer(context: context).run(job: job, partition: p, attempt: work.attempt, written: written)
      return JobCounts()
    }
  }

  /// Bookkeeping after an index task: hand-offs, overlay eviction, the partition's intermediate
  /// files, and (once the whole job is done) throughput and an occasional compaction.
  private func afterCompletion(_ work: Work) throws {
    guard work.task.stage == .index, let p = work.task.partition else { return }
    let job = work.task.job
    let jobDone = try context.ledger.job(job)?.status == .done
    let now = context.clock.nowMillis()
    let safe = state.withLock { s -> UInt64 in
      s.processed[PartitionKey(job: job, partition: p)] = nil
      s.indexedThrough[p] = max(s.indexed(p), job)
      if jobDone {
        s.noteApplied(work.job.counts.events, at: now)
        s.indexedFloor = max(s.indexedFloor, job)
      }
      return s.releaseOverlayHolds(partitions: context.partitions)
    }
    overlay.evict(through: safe)
    try reportIndexFailures(at: now)
    for name in try StageOutputs(context: context, job: job).leftovers(partition: p) {
      try context.discardPart(name)
    }
    if jobDone, options.compactEvery > 0, job % options.compactEvery == 0 {
      _ = try compactIfQuiescent(force: false)
    }
  }

  /// Reports the key index's background failures (merges of runs), each distinct one once.
  func reportIndexFailures(at now: Int64) throws {
    for failure in context.keyIndex.takeBackgroundFailures() {
      guard state.withLock({ $0.reportedIndexFailures.insert(failure).inserted }) else { continue }
      try note(
        LedgerEvent(
          at: now, kind: .failure, job: nil,
          text: "key index: a background merge of runs failed; the runs stay as they were and are read, "
            + "and the merge is tried again after the next publish: \(failure)"))
    }
  }

  private func recordFailure(_ error: any Error, work: Work) throws {
    let task = work.task
    // A failed process keeps its prefetched input for the retry (compaction waits meanwhile:
    // it never runs while a prefetched partition waits). A failed prefetch leaves nothing.
    if task.stage == .prefetch, let p = task.partition {
      state.withLock { _ = $0.prefetched.removeValue(forKey: PartitionKey(job: task.job, partition: p)) }
    }
    let failure = FailureClassifier.classify(error, stage: task.stage)
    let policy = options.retryPolicy(failure.kind)
    let now = context.clock.nowMillis()
    let job = task.job
    switch policy.decision(afterFailedAttempt: work.attempt, random: nextRandom()) {
    case .retry(let delay):
      let millis = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
      try outlastingStalledPeers {
        try context.ledger.failTask(
          task, attempt: work.attempt, kind: failure.kind, message: failure.message, nextAttemptAt: now + millis,
          at: now)
      }
      try note(
        LedgerEvent(
          at: now, kind: .retry, job: job,
          text:
            "\(task) attempt \(work.attempt)/\(policy.maxAttempts) failed (\(failure.kind.rawValue)): \(failure.message); retry in \(millis) ms"
        ))
    case .giveUp:
      try outlastingStalledPeers {
        try context.ledger.failTask(
          task, attempt: work.attempt, kind: failure.kind, message: failure.message, nextAttemptAt: nil, at: now)
      }
      try note(
        LedgerEvent(
          at: now, kind: .failure, job: job,
          text:
            "\(task) failed after \(work.attempt) attempt\(work.attempt == 1 ? "" : "s") (\(failure.kind.rawValue)): \(failure.message); run `ledgerline retry \(job)` once fixed"
        ))
    }
  }

  /// Restart: interrupted attempts become pending again, the in-flight overlay is rebuilt from
  /// the manifests of processed-but-unindexed partitions, and leftovers of finished jobs are
  /// removed.
  ///
  /// In a fleet (a ledger several engines share), the attempts running now are other processes'
  /// (a gone process's were handed back when it was expired), and so are the temporary files
  /// being written: both are left alone.
  func recover() throws {
    let now = context.clock.nowMillis()
    let fleet = context.ledger.admitsSeveralEngines
    if !fleet { try context.ledger.resetInterruptedStages(at: now) }
    let (jobs, lastJob) = try unfinishedJobs()
    let partitions = try context.ledger.unfinishedPartitionTasks()
    let (floor, indexed) = Self.indexedThrough(jobs: jobs, partitions: partitions, lastJob: lastJob)
    state.withLock { s in
      s.indexedFloor = floor
      s.indexedThrough = indexed
    }
    try loadOverlay(
      partitions.filter { $0.state.stage == .index }.map { PartitionKey(job: $0.job, partition: $0.partition) })
    if !fleet {
      for name in try FileSystem.listIfPresent("\(context.paths.parts)/tmp") {
        try FileSystem.remove("\(context.paths.parts)/tmp/\(name)")
      }
    }
    try removeIntermediates(through: floor)
  }

  /// Removes the reduce parts and manifests of jobs ≤ `floor` (every one indexed): no task reads
  /// them any more. Those are usually gone already (indexing removes a partition's); this catches
  /// what a crash left, and what a stalled engine (a zombie) wrote late, after the cleanup. At
  /// start and after every compaction pass, which removes such an engine's artifact parts (no
  /// index entry ever points at them).
  func removeIntermediates(through floor: UInt64) throws {
    for name in try FileSystem.listIfPresent(context.paths.parts) where name.hasPrefix("s-") || name.hasPrefix("m-") {
      if let job = PartNames.job(ofPart: name), job <= floor {
        try context.discardPart(name)
      }
    }
  }

  /// Loads into the in-flight overlay the process output of `keys` (partitions processed but
  /// maybe not indexed), in job order, from their manifests, skipping what it holds already. A
  /// manifest that is gone belongs to a partition indexed since (indexing removes it): the key
  /// index has its entries.
  func loadOverlay(_ keys: [PartitionKey]) throws {
    let wanted = state.withLock { s in keys.filter { !s.overlayHolds.contains($0) } }.sorted()
    guard !wanted.isEmpty else { return }
    let indexer = Indexer(context: context)
    for key in wanted {
      guard var entries = try indexer.recoverOverlay(job: key.job, partition: key.partition) else { continue }
      // External ids added by every in-flight version so far (a superset is harmless: those ids
      // are applied, in the key index or in flight).
      let inFlight = overlay.snapshot()
      for (id, entry) in entries where entry.stored.ids == .external {
        if let earlier = inFlight.newest(id.value), earlier.version < key.job {
          entries[id]?.pendingExternalIDs.formUnion(earlier.pendingExternalIDs)
        }
      }
      overlay.record(entries)
      _ = state.withLock { $0.overlayHolds.insert(key) }
    }
  }

  /// In a fleet, before partition `p` of `job` is prefetched: the overlay must hold the output of
  /// every earlier job's partition `p` that is processed but not indexed, wherever it was
  /// processed (read from the ledger before the prefetch's lookups, so what is neither in the
  /// overlay nor in the key index's answer cannot exist).
  func loadOverlayBeforePrefetch(job: UInt64, partition p: Int) throws {
    guard context.ledger.admitsSeveralEngines else { return }
    let earlier = try context.ledger.unfinishedPartitionTasks().filter {
      $0.job < job && $0.partition == p && $0.state.stage == .index && $0.state.status != .done
    }
    try loadOverlay(earlier.map { PartitionKey(job: $0.job, partition: $0.partition) })
  }

  /// The highest job such that it and every job before it are indexed, per the ledger.
  func ledgerIndexedThrough() throws -> UInt64 {
    let (jobs, newest) = try unfinishedJobs()
    return jobs.first.map { $0.seq - 1 } ?? newest
  }

  /// An injected permanent fault fires once per task (job, stage and partition): the
  /// operator's retry succeeds.
  private func alreadyInjectedPermanently(_ fault: StageFailure, task: TaskRef) throws -> Bool {
    guard fault.kind == .injectedPermanent else { return false }
    return try context.ledger.stageRuns(job: task.job).contains {
      $0.stage == task.stage && $0.partition == task.partition && $0.outcome == FailureKind.injectedPermanent.rawValue
    }
  }
}
