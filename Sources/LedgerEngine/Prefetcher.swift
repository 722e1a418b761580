import Dispatch
import LedgerDomain
import LedgerStorage
import Synchronization

/// One partition of a job, ready to process: its stateless groups and their current artifacts.
/// Groups stay encoded (`RecordType.statelessGroup` payloads) until process decodes them one
/// at a time: a prefetched job holds bytes, not `Event` values.
public struct PrefetchedPartition: Sendable {
  public var groups: [(orderID: String, payload: [UInt8])]
  public var base: [String: BaseArtifact]
}

/// Stage 2: for each key of the stateless index, look up the key index and fetch the current
/// artifact by byte range through the cache; partitions in parallel.
public struct Prefetcher: Sendable {
  /// A prefetched job. `baseline`: every job ≤ baseline was indexed before the lookups.
  public struct Output: Sendable {
    public var job: UInt64
    public var baseline: UInt64
    public var partitions: [PrefetchedPartition]
  }

  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  public func run(job: UInt64, baseline: UInt64, progress: @Sendable (Double) -> Void = { _ in }) throws -> Output {
    let results = Mutex<[Int: Result<PrefetchedPartition, any Error>]>([:])
    DispatchQueue.concurrentPerform(iterations: context.partitions) { p in
      let result = Result { try prefetch(job: job, partition: p) }
      let done = results.withLock { $0[p] = result; return $0.count }
      progress(Double(done) / Double(context.partitions))
    }
    var partitions: [PrefetchedPartition] = []
    for p in 0..<context.partitions {
      guard let result = results.withLock({ $0[p] }) else { continue }
      partitions.append(try result.get())
    }
    return Output(job: job, baseline: baseline, partitions: partitions)
  }

  private func prefetch(job: UInt64, partition: Int) throws -> PrefetchedPartition {
    var groups: [(orderID: String, payload: [UInt8])] = []
    try context.reader.forEachRecord(inPart: PartNames.stateless(job: job, partition: partition)) {
      _, type, payload in
      guard type == .statelessGroup else { return }
      groups.append((try ArtifactCodec.statelessGroupOrderID(payload), payload))
    }
    let entries = try context.keyIndex.entries(for: groups.map(\.orderID))
    var base: [String: BaseArtifact] = [:]
    base.reserveCapacity(entries.count)
    for (key, entry) in entries {
      // Through the cache, but a miss is not cached: this version is about to be superseded.
      if let cached = context.cache.get(entry.location) {
        base[key] = BaseArtifact(stored: cached, entry: entry)
      } else {
        base[key] = BaseArtifact(
          payload: try context.reader.read(entry.location, expecting: .artifactSummary), entry: entry)
      }
    }
    return PrefetchedPartition(groups: groups, base: base)
  }
}
