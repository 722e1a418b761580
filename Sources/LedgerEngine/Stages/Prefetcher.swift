import LedgerDomain
import LedgerStorage
import LedgerSystem

/// One partition of a job, ready to process: how many stateless groups it has and their
/// current artifacts. The groups themselves are not held: process streams them from the
/// stateless part file (kept until the job is indexed), so a prefetched job costs memory only
/// for its base artifacts.
public struct PrefetchedPartition: Sendable {
  /// Number of stateless groups (keys) in the partition.
  public var groupCount: Int
  /// The current artifact of each group's key, by the group's ordinal in the stateless part
  /// (`nil`: a new key). Process streams the same part, so it finds a base without hashing.
  public var base: [BaseArtifact?]
}

/// Stage 2, for one partition of a job: for each key of its stateless part, look up the key
/// index and fetch the current artifact by byte range through the cache.
public struct Prefetcher: Sendable {
  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  /// Prefetches partition `partition` of `job`, whose groups are in the parts `stateless`, one
  /// per input range of its reduce, read as one (default: the name of a store from before
  /// attempts named their outputs).
  public func run(job: UInt64, partition: Int, stateless: [String]? = nil) throws -> PrefetchedPartition {
    try prefetch(stateless ?? [PartNames.stateless(job: job, partition: partition)])
  }

  private func prefetch(_ stateless: [String]) throws -> PrefetchedPartition {
    var keys: [String] = []
    try context.reader.forEachStatelessGroup(inParts: stateless) { payload in
      keys.append(try ArtifactCodec.statelessGroupOrderID(payload))
    }
    var entries = try context.keyIndex.entries(for: keys)
    var base = [BaseArtifact?](repeating: nil, count: entries.count)
    var parts: [String] = []  // one String per part name, shared by its locations
    var misses: [Int] = []
    for (n, found) in entries.enumerated() {
      guard var entry = found else { continue }
      if let shared = parts.first(where: { $0 == entry.location.part }) {
        entry.location.part = shared
      } else if parts.count < 64 {
        parts.append(entry.location.part)
      }
      entries[n] = entry
      if let cached = context.cache.get(entry.location) {
        base[n] = BaseArtifact(stored: cached, entry: entry)
      } else {
        misses.append(n)
      }
    }
    // Misses are read in offset order, a window at a time, and not cached: these versions are
    // about to be superseded.
    let payloads = try context.reader.read(
      misses.compactMap { entries[$0]?.location }, expecting: .artifactSummary)
    for (n, payload) in zip(misses, payloads) {
      if let entry = entries[n] { base[n] = BaseArtifact(payload: payload, entry: entry) }
    }
    return PrefetchedPartition(groupCount: keys.count, base: base)
  }
}
