import Dispatch
import LedgerDomain
import LedgerStorage
import Synchronization

/// Stage 3: join prefetched artifacts (and in-flight ones) with the stateless artifacts, apply
/// the rules of SPEC §3, and write new artifacts into one part file per partition plus an index
/// manifest. Only the new lines and a new summary are written, never the old lines.
public struct Processor: Sendable {
  /// What process produced: counts, and the new versions for the indexer and the overlay.
  public struct Output: Sendable {
    public var counts: JobCounts
    public var written: [String: InFlightOverlay.Entry]
    public var rejections: [Rejection]
  }

  let context: EngineContext
  let overlay: InFlightOverlay

  public init(context: EngineContext, overlay: InFlightOverlay) {
    self.context = context
    self.overlay = overlay
  }

  public func run(_ input: Prefetcher.Output, progress: @Sendable (Double) -> Void = { _ in }) throws -> Output {
    // Outputs of an earlier attempt were never indexed nor recorded in the overlay: replace them.
    for p in 0..<input.partitions.count {
      context.discardPart(PartNames.artifacts(job: input.job, partition: p))
      context.discardPart(PartNames.manifest(job: input.job, partition: p))
    }
    let results = Mutex<[Int: Result<Output, any Error>]>([:])
    DispatchQueue.concurrentPerform(iterations: input.partitions.count) { p in
      let result = Result { try process(input.partitions[p], job: input.job, partition: p) }
      let done = results.withLock { $0[p] = result; return $0.count }
      progress(Double(done) / Double(max(1, input.partitions.count)))
    }
    var total = Output(counts: JobCounts(), written: [:], rejections: [])
    for p in 0..<input.partitions.count {
      guard let result = results.withLock({ $0[p] }) else { continue }
      let part = try result.get()
      total.counts.duplicates += part.counts.duplicates
      total.counts.linesApplied += part.counts.linesApplied
      total.counts.artifactsWritten += part.counts.artifactsWritten
      total.counts.bytesWritten += part.counts.bytesWritten
      total.written.merge(part.written) { $1 }
      total.rejections += part.rejections
    }
    if !total.rejections.isEmpty {
      try RejectsFile.write(
        total.rejections,
        to: "\(context.paths.rejects)/\(PartNames.rejects(job: input.job)).process")
    }
    overlay.record(total.written)
    return total
  }

  private func process(_ partition: PrefetchedPartition, job: UInt64, partition p: Int) throws
    -> Output
  {
    let data = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.artifacts(job: job, partition: p))
    let manifest = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.manifest(job: job, partition: p))
    var out = Output(counts: JobCounts(), written: [:], rejections: [])
    do {
      for (orderID, payload) in partition.groups {
        let group = try ArtifactCodec.decodeStatelessGroup(payload)
        try apply((orderID, group.events), base: current(orderID, partition), job: job, data: data,
          manifest: manifest, into: &out)
      }
      try data.finish()
      try manifest.finish()
    } catch {
      data.abandon()
      manifest.abandon()
      throw error
    }
    return out
  }

  /// The artifact to build on: the in-flight version if newer than the prefetched one.
  private func current(_ key: String, _ partition: PrefetchedPartition) -> (
    StoredSummary, Set<String>
  ) {
    let prefetched = partition.base[key]
    if let inFlight = overlay.latest(key), inFlight.version > (prefetched?.entry.version ?? 0) {
      return (inFlight.stored, inFlight.pendingExternalIDs)
    }
    if let prefetched { return (prefetched.stored, []) }
    return (StoredSummary(summary: ArtifactSummary(orderID: key), segments: [], ids: .inline([])), [])
  }

  private func apply(
    _ group: (orderID: String, events: [Event]), base: (StoredSummary, Set<String>), job: UInt64,
    data: PartFileWriter, manifest: PartFileWriter, into out: inout Output
  ) throws {
    let (stored, pending) = base
    let known = try knownIDs(stored, pending: pending, orderID: group.orderID, events: group.events)
    let outcome = ArtifactFold().apply(group.events, to: stored.summary) { known.contains($0) }
    out.counts.duplicates += Int64(outcome.duplicates)
    out.rejections += outcome.rejected
    guard !outcome.accepted.isEmpty else { return }
    let segment = try data.append(
      type: .lineSegment,
      payload: ArtifactCodec.encode(LineSegment(orderID: group.orderID, version: job, events: outcome.accepted)))
    var next = outcome.summary
    next.version = job
    let newIDs = outcome.accepted.map(\.id)
    var ids = stored.ids
    var external: [String] = []
    switch stored.ids {
    case .inline(let set) where next.lineCount > StoredSummary.inlineIDLimit:
      ids = .external
      external = Array(set) + newIDs
    case .inline(let set):
      ids = .inline(set.union(newIDs))
    case .external:
      external = newIDs
    }
    let newStored = StoredSummary(
      summary: next,
      segments: stored.segments + [SegmentRef(location: segment, lineCount: Int32(newIDs.count))],
      ids: ids)
    let location = try data.append(type: .artifactSummary, payload: ArtifactCodec.encode(newStored))
    let entry = IndexEntry(orderID: group.orderID, location: location, version: job)
    _ = try manifest.append(
      type: .indexManifestEntry, payload: ArtifactCodec.encode(IndexManifestEntry(entry: entry, externalEventIDs: external)))
    out.counts.linesApplied += Int64(newIDs.count)
    out.counts.artifactsWritten += 1
    out.counts.bytesWritten += Int64(segment.length) + Int64(location.length)
    out.written[group.orderID] = InFlightOverlay.Entry(
      stored: newStored, location: location,
      pendingExternalIDs: ids == .external ? pending.union(external) : [])
  }

  /// The ids among `events` the artifact already holds.
  private func knownIDs(
    _ stored: StoredSummary, pending: Set<String>, orderID: String, events: [Event]
  ) throws -> Set<String> {
    switch stored.ids {
    case .inline(let set): return set
    case .external:
      let candidates = events.map(\.id).filter { !pending.contains($0) }
      let indexed = try context.keyIndex.knownEventIDs(order: orderID, among: candidates)
      return indexed.union(pending.intersection(events.map(\.id)))
    }
  }
}
