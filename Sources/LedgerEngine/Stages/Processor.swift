import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Stage 3, for one partition of a job: join its prefetched artifacts (and in-flight ones)
/// with its stateless artifacts, apply the rules of SPEC §3, and write the new artifacts into
/// one part file plus an index manifest. Only the new lines and a new summary are written,
/// never the old lines.
public struct Processor: Sendable {
  /// What process produced: counts, and the new versions for the indexer and the overlay.
  public struct Output: Sendable {
    public var counts: JobCounts
    /// New versions, decoded, for the indexer to warm the cache: at most `cacheWarmLimit` per
    /// job (the in-flight overlay gets every one).
    public var written: [String: InFlightOverlay.Entry]
    public var rejections: [Rejection]
  }

  /// Decoded new versions kept per job for the indexer to warm the cache with: the cache holds
  /// a bounded number anyway, so keeping every one of a million keys decoded only costs memory.
  public static let cacheWarmLimit = 65_536

  /// One partition's result: the overlay gets every new version (encoded), the indexer a
  /// bounded share (decoded).
  private struct PartitionResult: Sendable {
    var output = Output(counts: JobCounts(), written: [:], rejections: [])
    var encoded = InFlightOverlay.Run()
    /// The summaries the new versions replace.
    var superseded = SupersededBytes(source: "")
  }

  let context: EngineContext
  let overlay: InFlightOverlay

  public init(context: EngineContext, overlay: InFlightOverlay) {
    self.context = context
    self.overlay = overlay
  }

  /// Processes partition `partition` of `job` (one of `partitions`) and records its new
  /// versions in the in-flight overlay.
  ///
  /// Its part files are named by `run` (``PartNames/run(process:attempt:)``): a re-run of the
  /// same attempt replaces them; other attempts' files are never touched here (one that stalled
  /// past its lease must not remove those of the attempt that took over). Its rejects file has
  /// one name per partition: what it holds is decided by the partition's state before the job,
  /// the same for every attempt, and is replaced atomically.
  public func run(
    job: UInt64, partition p: Int, of partitions: Int, prefetched: PrefetchedPartition, run: String,
    stateless: [String]? = nil
  ) throws -> Output {
    try context.discardPart(PartNames.artifacts(job: job, partition: p, run: run))
    try context.discardPart(PartNames.manifest(job: job, partition: p, run: run))
    let warmLimit = Self.cacheWarmLimit / max(1, partitions)
    let part = try process(
      prefetched, job: job, partition: p, of: partitions, run: run,
      stateless: stateless ?? [PartNames.stateless(job: job, partition: p)], inFlight: overlay.snapshot(),
      warmLimit: warmLimit)
    let rejects = "\(context.paths.rejects)/\(PartNames.rejects(job: job)).process-\(p)"
    if !part.output.rejections.isEmpty {
      try RejectsFile.write(part.output.rejections, to: rejects)
    } else {
      try FileSystem.remove(rejects)
    }
    overlay.record(runs: [part.encoded], version: job)
    return part.output
  }

  private func process(
    _ partition: PrefetchedPartition, job: UInt64, partition p: Int, of partitions: Int, run: String,
    stateless: [String], inFlight: InFlightOverlay.Snapshot,
    warmLimit: Int
  ) throws -> PartitionResult {
    let data = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.artifacts(job: job, partition: p, run: run),
      storeID: context.storeID)
    let manifest = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.manifest(job: job, partition: p, run: run),
      storeID: context.storeID)
    var out = PartitionResult()
    out.encoded = InFlightOverlay.Run(partition: InFlightOverlay.PartitionTag(index: p, count: partitions))
    out.encoded.reserveCapacity(partition.groupCount)
    out.output.written.reserveCapacity(min(warmLimit, partition.groupCount))
    do {
      // The groups are streamed from the stateless part (in key order, as prefetch saw them:
      // the n-th group's base is `partition.base[n]`).
      var ordinal = 0
      var scratch = ByteWriter(capacity: 1 << 10)
      try context.reader.forEachStatelessGroup(inParts: stateless) { payload in
        let group = try EncodedGroup(payload)
        let prefetched = try prefetched(partition, ordinal, group.orderID)
        ordinal += 1
        // The common case, from the encoded base; the decoding path below takes every other.
        if try writeEncoded(
          group, prefetched: prefetched, inFlight, job: job, data: data, manifest: manifest, warmLimit: warmLimit,
          scratch: &scratch, into: &out)
        {
          return
        }
        let base = try current(group.orderID, prefetched: prefetched, inFlight)
        let folded = try fold(group, base: base, job: job)
        try write(
          folded, orderID: group.orderID, base: base, job: job, data: data, manifest: manifest, warmLimit: warmLimit,
          into: &out)
      }
      try data.finish()
      if !out.superseded.isEmpty {
        _ = try manifest.append(type: .supersededBytes, payload: out.superseded.encoded())
      }
      try manifest.finish()
    } catch {
      data.abandon()
      manifest.abandon()
      throw error
    }
    return out
  }

  /// Folds and writes `group` in the common case without decoding its base: the base is the
  /// prefetched summary record (or none), read in place (`EncodedSummary`); the successor's
  /// record is written from its bytes and the fold. Writes the same records as the decoding
  /// path (`current`, `fold`, `write`). Returns false, having written and counted nothing, when
  /// the key is not in the common case (an in-flight version is newer, the base was decoded
  /// already, its ids are external or become so, a currency does not fit the encoded fold).
  private func writeEncoded(
    _ group: EncodedGroup, prefetched: BaseArtifact?, _ inFlight: InFlightOverlay.Snapshot, job: UInt64,
    data: PartFileWriter, manifest: PartFileWriter, warmLimit: Int, scratch: inout ByteWriter,
    into out: inout PartitionResult
  ) throws -> Bool {
    if let held = inFlight.newest(group.orderID), held.version > (prefetched?.entry.version ?? 0) { return false }
    let base: EncodedSummary
    if let prefetched {
      guard let payload = prefetched.payload, let read = EncodedSummary(payload, orderID: group.orderID) else {
        return false
      }
      base = read
    } else {
      base = EncodedSummary()
    }
    var totals = base.totals
    guard let steps = EncodedFold().fold(group, totals: &totals, isKnown: base.contains),
      let kept = base.successorTotals(totals, accepted: steps.accepted.count)
    else { return false }
    out.output.counts.duplicates += Int64(steps.duplicates)
    if !steps.rejected.isEmpty { out.output.rejections += try EncodedFold.rejections(group, steps.rejected) }
    guard !steps.accepted.isEmpty else { return true }
    if let replaced = prefetched?.entry.location { out.superseded.add(replaced) }
    let segment = try data.append(type: .lineSegment, payload: group.lineSegment(of: steps.accepted, version: job))
    scratch.removeAll()
    base.writeSuccessor(
      of: group, totals: kept, accepted: steps.accepted, version: job, segment: segment, into: &scratch)
    let location = try scratch.bytes.withUnsafeBytes { try data.append(type: .artifactSummary, payload: $0) }
    let entry = IndexEntry(orderID: group.orderID, location: location, version: job)
    _ = try manifest.append(
      type: .indexManifestEntry, payload: ArtifactCodec.encode(IndexManifestEntry(entry: entry, externalEventIDs: [])))
    out.output.counts.linesApplied += Int64(steps.accepted.count)
    out.output.counts.artifactsWritten += 1
    out.output.counts.bytesWritten += Int64(segment.length) + Int64(location.length)
    out.encoded.append(
      group.orderID, InFlightOverlay.Encoded(payload: nil, location: location, version: job, pendingExternalIDs: []))
    if out.output.written.count < warmLimit {
      // The indexer's share of decoded versions, to warm the cache with.
      let stored = try ArtifactCodec.decodeSummary(scratch.bytes, at: location, what: "new artifact summary")
      out.output.written[group.orderID] = InFlightOverlay.Entry(
        stored: stored, location: location, pendingExternalIDs: [])
    }
    return true
  }

  /// The prefetched base of the `ordinal`-th group, checked against its key.
  private func prefetched(_ partition: PrefetchedPartition, _ ordinal: Int, _ key: String) throws -> BaseArtifact? {
    guard ordinal < partition.base.count else {
      throw StageFailure(
        kind: .internalError, stage: .process,
        message: "the stateless part has more groups than prefetch saw (\(partition.base.count))")
    }
    let base = partition.base[ordinal]
    if let base, base.entry.orderID != key {
      throw StageFailure(
        kind: .internalError, stage: .process,
        message: "group \(ordinal) is order \(key) but prefetch found \(base.entry.orderID)")
    }
    return base
  }

  /// The artifact to build on: the in-flight version if newer than the prefetched one, with
  /// where its summary lies (nil for a new key).
  private func current(
    _ key: String, prefetched: BaseArtifact?, _ inFlight: InFlightOverlay.Snapshot
  ) throws -> (StoredSummary, Set<ExactID>, ArtifactLocation?) {
    if let held = inFlight.newest(key), held.version > (prefetched?.entry.version ?? 0) {
      let entry = try inFlight.entry(held, reader: context.reader)
      return (entry.stored, entry.pendingExternalIDs, held.location)
    }
    if let prefetched { return (try prefetched.stored(), [], prefetched.entry.location) }
    return (StoredSummary(summary: ArtifactSummary(orderID: key), segments: [], ids: .inline([])), [], nil)
  }

  /// What one group's fold produced, in the form `write` needs.
  private struct Folded {
    var summary: ArtifactSummary
    /// The ids of the events that became lines.
    var newIDs: StoredSummary.NewIDs
    var duplicates: Int
    var rejected: [Rejection]
    /// The new line segment's payload (empty when nothing was accepted).
    var segment: [UInt8]
  }

  /// Folds `group` onto its base: over the encoded events (`EncodedFold`), or over decoded ones
  /// (`ArtifactFold`) when its currency codes do not fit the encoded fold.
  private func fold(
    _ group: EncodedGroup, base: (StoredSummary, Set<ExactID>, ArtifactLocation?), job: UInt64
  ) throws -> Folded {
    let (stored, pending, _) = base
    let ids: [String]? = stored.ids == .external ? group.lines.indices.map(group.id(at:)) : nil
    let known = try knownIDs(stored, pending: pending, orderID: group.orderID, ids: ids)
    guard
      let outcome = try EncodedFold().apply(group, to: stored.summary, isKnown: { known.contains(bytes: $0) })
    else { return try foldDecoded(group, stored: stored, known: known, job: job) }
    var folded = Folded(
      summary: outcome.summary, newIDs: .strings([]), duplicates: outcome.duplicates, rejected: outcome.rejected,
      segment: [])
    guard !outcome.accepted.isEmpty else { return folded }
    folded.newIDs = .spans(outcome.accepted.map(group.idSpan(at:)), payload: group.payload)
    folded.segment = group.lineSegment(of: outcome.accepted, version: job)
    return folded
  }

  /// The fold over decoded events (a group whose currency codes the encoded fold cannot hold).
  private func foldDecoded(_ group: EncodedGroup, stored: StoredSummary, known: KnownIDs, job: UInt64) throws -> Folded
  {
    let events = try group.events()
    let outcome = ArtifactFold().apply(events, to: stored.summary) { known.contains($0) }
    let segment =
      outcome.accepted.isEmpty
      ? [] : ArtifactCodec.encode(LineSegment(orderID: group.orderID, version: job, events: outcome.accepted))
    return Folded(
      summary: outcome.summary, newIDs: .strings(outcome.accepted.map(\.id)), duplicates: outcome.duplicates,
      rejected: outcome.rejected, segment: segment)
  }

  private func write(
    _ folded: Folded, orderID: String, base: (StoredSummary, Set<ExactID>, ArtifactLocation?), job: UInt64,
    data: PartFileWriter, manifest: PartFileWriter, warmLimit: Int, into out: inout PartitionResult
  ) throws {
    let (stored, pending, replaced) = base
    out.output.counts.duplicates += Int64(folded.duplicates)
    out.output.rejections += folded.rejected
    guard folded.newIDs.count > 0 else { return }
    if let replaced { out.superseded.add(replaced) }
    let segment = try data.append(type: .lineSegment, payload: folded.segment)
    let (newStored, external) = stored.appending(folded.summary, newIDs: folded.newIDs, version: job, segment: segment)
    let ids = newStored.ids
    let payload = ArtifactCodec.encode(newStored)
    let location = try data.append(type: .artifactSummary, payload: payload)
    let entry = IndexEntry(orderID: orderID, location: location, version: job)
    _ = try manifest.append(
      type: .indexManifestEntry,
      payload: ArtifactCodec.encode(IndexManifestEntry(entry: entry, externalEventIDs: external)))
    out.output.counts.linesApplied += Int64(folded.newIDs.count)
    out.output.counts.artifactsWritten += 1
    out.output.counts.bytesWritten += Int64(segment.length) + Int64(location.length)
    let pendingIDs = ids == .external ? pending.union(external.map { ExactID($0) }) : []
    out.encoded.append(
      orderID,
      InFlightOverlay.Encoded(
        payload: nil, location: location, version: job, pendingExternalIDs: pendingIDs))
    if out.output.written.count < warmLimit {
      out.output.written[orderID] = InFlightOverlay.Entry(
        stored: newStored, location: location, pendingExternalIDs: pendingIDs)
    }
  }

  /// Which of a group's ids the artifact already holds; `ids` (the group's event ids) is needed
  /// only when the artifact's ids are external.
  private func knownIDs(
    _ stored: StoredSummary, pending: Set<ExactID>, orderID: String, ids: [String]?
  ) throws -> KnownIDs {
    switch stored.ids {
    case .inline(let set): return .inline(set)
    case .external:
      let ids = ids ?? []
      let candidates = ids.filter { !pending.contains(ExactID($0)) }
      let indexed = try context.keyIndex.knownEventIDs(order: orderID, among: candidates)
      return .looked(indexed.union(pending.intersection(ids.map { ExactID($0) })))
    }
  }

  /// The ids an artifact holds, as far as one group's events need to know.
  private enum KnownIDs {
    case inline(SortedIDs)
    case looked(Set<ExactID>)

    func contains(_ id: String) -> Bool {
      switch self {
      case .inline(let ids): ids.contains(id)
      case .looked(let ids): ids.contains(ExactID(id))
      }
    }

    func contains(bytes id: UnsafeBufferPointer<UInt8>) -> Bool {
      switch self {
      case .inline(let ids): ids.contains(bytes: id)
      case .looked(let ids): ids.contains(ExactID(String(decoding: id, as: UTF8.self)))
      }
    }
  }
}
