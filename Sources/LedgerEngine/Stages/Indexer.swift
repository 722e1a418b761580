import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Stage 4, for one partition of a job: record each new artifact's location in the key index
/// (one transaction; idempotent: re-running after a crash writes the same rows, and an entry
/// never replaces a higher version) and refresh the cache.
public struct Indexer: Sendable {
  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  /// Indexes partition `partition` of `job` as attempt `attempt` of its index task (the publish
  /// is fenced by it). `written` (from process, when in memory) warms the cache. Returns the
  /// number of entries published.
  public func run(job: UInt64, partition: Int, attempt: Int?, written: [String: InFlightOverlay.Entry]?) throws
    -> Int
  {
    // The manifest is sorted by key bytes (reduce's order), the B-tree's: the upserts are local.
    guard let manifest = try StageOutputs(context: context, job: job).manifest(partition: partition) else {
      throw StageFailure(
        kind: .internalError, stage: .index,
        message: "partition \(partition) of batch \(job) has no successful process attempt to index")
    }
    let (entries, ids, superseded) = try readManifest(manifest, job: job, partition: partition)
    // Garbage first: recorded again on a re-run (same source), it is exact once published.
    if !superseded.isEmpty { try context.keyIndex.recordSuperseded(superseded) }
    try context.keyIndex.publish(
      entries, eventIDs: ids, fence: attempt.map { PublishFence(job: job, partition: partition, attempt: $0) })
    for (_, entry) in written ?? [:] {
      context.cache.put(
        entry.stored, at: entry.location, cost: ArtifactCache.decodedCost(of: entry.stored, at: entry.location))
    }
    return entries.count
  }

  private func readManifest(_ name: String, job: UInt64, partition: Int) throws -> (
    [IndexEntry], [ExternalEventID], SupersededBytes
  ) {
    var entries: [IndexEntry] = []
    var ids: [ExternalEventID] = []
    var part: String?
    let source = "job \(job) partition \(partition)"
    var superseded = SupersededBytes(source: source)
    try context.reader.forEachRecord(inPart: name) {
      _, type, payload in
      if type == .supersededBytes {
        superseded = try SupersededBytes.decode(payload, source: source)
        return
      }
      guard type == .indexManifestEntry else { return }
      let manifest = try ArtifactCodec.decodeIndexManifestEntry(payload, previousPart: part)
      let (entry, external) = (manifest.entry, manifest.externalEventIDs)
      part = entry.location.part
      entries.append(entry)
      ids += external.map { ExternalEventID(orderID: entry.orderID, eventID: $0) }
    }
    return (entries, ids, superseded)
  }

  /// Rebuilds overlay entries of a processed-but-unindexed partition from its manifest (restart,
  /// or another process's output in a fleet); nil when the manifest is gone (the partition was
  /// indexed since: indexing removes it).
  public func recoverOverlay(job: UInt64, partition p: Int) throws -> [ExactID: InFlightOverlay.Entry]? {
    guard let manifest = try StageOutputs(context: context, job: job).manifest(partition: p) else { return nil }
    var out: [ExactID: InFlightOverlay.Entry] = [:]
    do {
      try context.reader.forEachRecord(inPart: manifest) {
        _, type, payload in
        guard type == .indexManifestEntry else { return }
        let manifest = try ArtifactCodec.decodeIndexManifestEntry(payload)
        let (entry, external) = (manifest.entry, manifest.externalEventIDs)
        let stored = try ArtifactStore.summary(at: entry.location, context)
        out[ExactID(entry.orderID)] = InFlightOverlay.Entry(
          stored: stored, location: entry.location, pendingExternalIDs: Set(external.map { ExactID($0) }))
      }
    } catch  where !FileSystem.exists("\(context.paths.parts)/\(manifest)") {
      return nil
    }
    return out
  }
}
