import LedgerStorage

extension Engine {
  /// Runs a compaction pass if the line is quiescent: no prefetched or processed partition
  /// waits, no prefetch or process is running, and the in-flight overlay is empty (every location any
  /// stage holds is then in the key index, which compaction keeps right). Unless `force`, it
  /// also waits until the pass would pay (`compactionDue`).
  /// Returns nil if skipped.
  ///
  /// In a fleet, one process at a time compacts (the `.compaction` section, which no prefetch
  /// or process begins without), and only when the ledger says the whole fleet is quiescent: no
  /// partition waits for process or runs prefetch anywhere.
  @discardableResult
  public func compactIfQuiescent(force: Bool = true) throws -> Compactor.Report? {
    guard try force || compactionDue() else { return nil }
    guard claimCompaction() else { return nil }
    defer {
      state.withLock { $0.compacting = false }
      wakeup.signal()
    }
    guard context.ledger.admitsSeveralEngines else { return try compactHere() }
    return try context.ledger.exclusively(.compaction, wait: false) { () throws -> Compactor.Report? in
      let busy = try context.ledger.unfinishedPartitionTasks().contains {
        $0.state.stage == .process || ($0.state.stage == .prefetch && $0.state.status == .running)
      }
      return busy ? nil : try compactHere()
    } ?? nil
  }

  /// Raises this process's compaction flag if nothing here holds or reads artifacts: under the
  /// claim lock, so no prefetch or process is being claimed meanwhile; while the flag is up the
  /// scheduler starts none. (Taken before the fleet's section, never inside it: a claim waiting
  /// for the section holds the claim lock.)
  private func claimCompaction() -> Bool {
    claiming.withLock { _ in
      state.withLock { s -> Bool in
        guard s.prefetched.isEmpty, s.prefetching.isEmpty, s.processed.isEmpty, !s.compacting,
          !s.running.keys.contains(where: { $0.stage == .prefetch || $0.stage == .process })
        else { return false }
        s.compacting = true
        return true
      }
    }
  }

  private func compactHere() throws -> Compactor.Report? {
    guard overlay.count == 0 else { return nil }
    let indexedThrough = try ledgerIndexedThrough()
    let report = try Compactor(context: context, acceptedRuns: acceptedRuns).run(
      through: indexedThrough, pass: indexedThrough)
    try removeIntermediates(through: indexedThrough)
    let now = context.clock.nowMillis()
    try context.ledger.recordCompaction(
      CompactionRecord(
        at: now, liveBytes: report.liveBytes, totalBytesBefore: report.totalBytesBefore,
        totalBytesAfter: report.totalBytesAfter, deletedParts: report.deletedParts,
        rewrittenParts: report.rewrittenParts))
    if report.reclaimedBytes > 0 {
      try note(
        LedgerEvent(
          at: now, kind: .info, job: nil,
          text:
            "compaction reclaimed \(report.reclaimedBytes) bytes: \(report.deletedParts) part files deleted, \(report.rewrittenParts) rewritten; live \(report.liveBytes) of \(report.totalBytesAfter) bytes"
        ))
    }
    return report
  }

  /// True when a pass would pay: part files hold at least `compactionMinimumBytes`, and garbage
  /// recorded since the last pass makes some part dead or sparse enough to look at (a pass that
  /// measured a part and kept it looks at it again only beside new garbage). A pass never starts
  /// when nothing changed since the last one.
  func compactionDue() throws -> Bool {
    let sizes = try PartNames.artifactPartSizes(in: context.paths.parts)
    guard sizes.values.reduce(0, +) >= options.compactionMinimumBytes else { return false }
    let garbage = try context.keyIndex.recordedGarbage()
    return sizes.contains { part, size in
      guard let g = garbage[part], g.sinceMeasured > 0 else { return false }
      return Compactor.isSparse(size: size, garbage: g.bytes)
    }
  }
}
