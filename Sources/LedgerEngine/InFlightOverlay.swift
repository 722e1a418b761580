import LedgerDomain
import LedgerStorage
import Synchronization

/// Output of processed jobs whose index entries may not be visible yet (SPEC §4 "in-flight
/// updates"). Process consults it before the prefetched artifact, so no update is lost while
/// indexing lags.
///
/// An entry written by job J may be dropped only when J is indexed AND every job still waiting
/// to be processed prefetched after J was indexed (its `baseline` ≥ J).
public final class InFlightOverlay: Sendable {
  /// The newest written-but-maybe-unindexed version of one artifact.
  public struct Entry: Sendable, Equatable {
    public var stored: StoredSummary
    public var location: ArtifactLocation
    /// External event ids added by in-flight jobs (cumulative since the last indexed version).
    public var pendingExternalIDs: Set<String>

    public var version: UInt64 { stored.summary.version }
  }

  /// An entry as held: where the summary was written, and (for entries recorded from decoded
  /// summaries) its record payload. Process records no payload: the summary is in a published
  /// part file, read back by `location` only when a later job touches the key while this one is
  /// in flight, so a million in-flight keys cost an index-entry's worth of memory each.
  public struct Encoded: Sendable {
    /// The `RecordType.artifactSummary` payload written at `location`, when held in memory.
    public var payload: [UInt8]?
    public var location: ArtifactLocation
    public var version: UInt64
    /// External event ids added by in-flight jobs (cumulative since the last indexed version).
    public var pendingExternalIDs: Set<String>

    /// An encoded entry.
    public init(payload: [UInt8]?, location: ArtifactLocation, version: UInt64, pendingExternalIDs: Set<String>) {
      self.payload = payload
      self.location = location
      self.version = version
      self.pendingExternalIDs = pendingExternalIDs
    }
  }

  /// One processed job's output, as recorded: a few maps (one per partition, keys disjoint),
  /// kept as they came (recording copies nothing; eviction drops whole layers).
  private struct Layer: Sendable {
    var version: UInt64
    var maps: [[String: Encoded]]
  }

  /// Layers by ascending version.
  private let layers = Mutex<[Layer]>([])

  public init() {}

  /// The newest in-flight version of `key`, its summary read through `reader` when not held;
  /// throws `StorageError` if it cannot be read or does not decode.
  public func latest(_ key: String, reader: PartFileReader) throws -> Entry? {
    guard let held = layers.withLock({ Self.newest(key, in: $0) }) else { return nil }
    let payload = try held.payload ?? reader.read(held.location, expecting: .artifactSummary)
    let stored = try ArtifactCodec.decodeSummary(payload, context: "in-flight summary at \(held.location)")
    return Entry(stored: stored, location: held.location, pendingExternalIDs: held.pendingExternalIDs)
  }

  /// The version of the newest in-flight entry of `key`, without decoding it.
  public func latestVersion(_ key: String) -> UInt64? {
    layers.withLock { Self.newest(key, in: $0)?.version }
  }

  private static func newest(_ key: String, in layers: [Layer]) -> Encoded? {
    for layer in layers.reversed() {
      for map in layer.maps {
        if let entry = map[key] { return entry }
      }
    }
    return nil
  }

  /// Records the output of a processed job.
  public func record(_ new: [String: Entry]) {
    var byVersion: [UInt64: [String: Encoded]] = [:]
    for (key, entry) in new {
      byVersion[entry.version, default: [:]][key] = Encoded(
        payload: ArtifactCodec.encode(entry.stored), location: entry.location, version: entry.version,
        pendingExternalIDs: entry.pendingExternalIDs)
    }
    for version in byVersion.keys.sorted() {
      if let map = byVersion[version] { record(encoded: [map], version: version) }
    }
  }

  /// Records the output of job `version`, already encoded, as maps with disjoint keys (e.g.
  /// one per partition). Every entry's `version` must be `version`.
  public func record(encoded maps: [[String: Encoded]], version: UInt64) {
    let maps = maps.filter { !$0.isEmpty }
    guard !maps.isEmpty else { return }
    layers.withLock { layers in
      if let i = layers.firstIndex(where: { $0.version == version }) {
        // A re-run of the job (its outputs rewritten): the newer maps shadow the older ones.
        layers[i].maps = maps + layers[i].maps
      } else {
        layers.append(Layer(version: version, maps: maps))
        layers.sort { $0.version < $1.version }
      }
    }
  }

  /// Drops entries of jobs ≤ `safeThrough` (indexed and seen by every waiting prefetch).
  public func evict(through safeThrough: UInt64) {
    layers.withLock { layers in
      layers.removeAll { $0.version <= safeThrough }
    }
  }

  /// Number of keys held (for status and tests): a key in several layers counts once per layer.
  public var count: Int {
    layers.withLock { $0.reduce(0) { $0 + $1.maps.reduce(0) { $0 + $1.count } } }
  }
}
