import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Stage 4: record each new artifact's location in the key index and refresh the cache.
///
/// A coordinator gives each worker one partition's manifest to read and verify in parallel; the
/// entries are then published to the key index in one transaction (idempotent: re-running after
/// a crash writes the same rows, and an entry never replaces a higher version).
public struct Indexer: Sendable {
  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  /// Indexes `job`. `written` (from process, when in memory) warms the cache.
  public func run(
    job: UInt64, written: [String: InFlightOverlay.Entry]?, progress: @Sendable (Double) -> Void = { _ in }
  ) throws -> Int {
    let partitions = context.partitions
    let manifests = try parallelMap(partitions, completed: { progress(0.5 * Double($0) / Double(partitions)) }) {
      try readManifest(job: job, partition: $0)
    }
    var entries: [IndexEntry] = []
    var ids: [ExternalEventID] = []
    for (e, i) in manifests {
      entries += e
      ids += i
    }
    // Each manifest is sorted by key bytes (reduce's order); merged runs in that order, which is
    // the B-tree's, make the upserts local (Swift's sort is a merge sort that exploits runs).
    entries.sort { KeyOrder.precedes($0.orderID, $1.orderID) }
    try context.keyIndex.publish(entries, eventIDs: ids)
    for (_, entry) in written ?? [:] {
      context.cache.put(
        entry.stored, at: entry.location, cost: ArtifactCache.decodedCost(of: entry.stored, at: entry.location))
    }
    return entries.count
  }

  private func readManifest(job: UInt64, partition: Int) throws -> ([IndexEntry], [ExternalEventID]) {
    var entries: [IndexEntry] = []
    var ids: [ExternalEventID] = []
    var part: String?
    try context.reader.forEachRecord(inPart: PartNames.manifest(job: job, partition: partition)) {
      _, type, payload in
      guard type == .indexManifestEntry else { return }
      let manifest = try ArtifactCodec.decodeIndexManifestEntry(payload, previousPart: part)
      let (entry, external) = (manifest.entry, manifest.externalEventIDs)
      part = entry.location.part
      entries.append(entry)
      ids += external.map { ExternalEventID(orderID: entry.orderID, eventID: $0) }
    }
    return (entries, ids)
  }

  /// Rebuilds overlay entries of a processed-but-unindexed job from its manifest (restart).
  public func recoverOverlay(job: UInt64) throws -> [String: InFlightOverlay.Entry] {
    var out: [String: InFlightOverlay.Entry] = [:]
    for p in 0..<context.partitions {
      try context.reader.forEachRecord(inPart: PartNames.manifest(job: job, partition: p)) {
        _, type, payload in
        guard type == .indexManifestEntry else { return }
        let manifest = try ArtifactCodec.decodeIndexManifestEntry(payload)
        let (entry, external) = (manifest.entry, manifest.externalEventIDs)
        let stored = try ArtifactStore.summary(at: entry.location, context)
        out[entry.orderID] = InFlightOverlay.Entry(
          stored: stored, location: entry.location, pendingExternalIDs: Set(external))
      }
    }
    return out
  }
}
