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
    public var pendingExternalIDs: Set<ExactID>

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
    public var pendingExternalIDs: Set<ExactID>

    /// An encoded entry.
    public init(payload: [UInt8]?, location: ArtifactLocation, version: UInt64, pendingExternalIDs: Set<ExactID>) {
      self.payload = payload
      self.location = location
      self.version = version
      self.pendingExternalIDs = pendingExternalIDs
    }
  }

  /// Encoded entries of one partition of one job, keys ascending by their bytes (process
  /// writes them in that order): appended without hashing, found by binary search.
  public struct Run: Sendable {
    private var keys: [String] = []
    private var values: [Encoded] = []
    private var sorted = true
    /// The partition every key of this run belongs to, when known (checked as keys are
    /// appended: a key of another partition drops the tag).
    public private(set) var partition: PartitionTag?

    public init() {}

    /// An empty run meant for keys of `partition`.
    public init(partition: PartitionTag) {
      self.partition = partition
    }

    /// Whether this run may hold a key whose `KeyPartition.hash` is `hash`.
    func mayHold(hash: UInt64) -> Bool {
      guard let partition else { return true }
      return KeyPartition.of(hash: hash, partitions: partition.count) == partition.index
    }

    /// A run of `entries`, in any order.
    public init(_ entries: [ExactID: Encoded]) {
      for (key, value) in entries { append(key.value, value) }
      finish()
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
      keys.reserveCapacity(n)
      values.reserveCapacity(n)
    }

    /// Appends `key` (normally after every key so far; otherwise `finish()` sorts).
    public mutating func append(_ key: String, _ value: Encoded) {
      if let tag = partition, KeyPartition.of(key, partitions: tag.count) != tag.index { partition = nil }
      if let last = keys.last, !KeyOrder.precedes(last, key) { sorted = false }
      keys.append(key)
      values.append(value)
    }

    /// Sorts the run if keys were appended out of order (a later duplicate key wins).
    public mutating func finish() {
      guard !sorted else { return }
      let order = keys.indices.sorted { a, b in
        KeyOrder.precedes(keys[a], keys[b]) || (Self.same(keys[a], keys[b]) && a > b)
      }
      var newKeys: [String] = []
      var newValues: [Encoded] = []
      for i in order where !(newKeys.last.map { Self.same($0, keys[i]) } ?? false) {
        newKeys.append(keys[i])
        newValues.append(values[i])
      }
      (keys, values, sorted) = (newKeys, newValues, true)
    }

    /// The entry of `key`, if any.
    public func find(_ key: String) -> Encoded? {
      var low = 0
      var high = keys.count
      while low < high {
        let mid = (low + high) / 2
        if KeyOrder.precedes(keys[mid], key) { low = mid + 1 } else { high = mid }
      }
      return low < keys.count && Self.same(keys[low], key) ? values[low] : nil
    }

    /// Keys are order ids: equal only byte for byte (not as Swift's `==` compares text).
    static func same(_ a: String, _ b: String) -> Bool {
      KeyOrder.same(a, b)
    }
  }

  /// Partition `index` of `count`, as `KeyPartition.of` assigns keys: a run whose keys all lie
  /// in one partition is skipped by a lookup for a key of another.
  public struct PartitionTag: Sendable, Equatable {
    /// The partition.
    public var index: Int
    /// How many partitions keys were spread over.
    public var count: Int

    /// Partition `index` of `count` (at least one).
    public init(index: Int, count: Int) {
      self.index = index
      self.count = max(1, count)
    }
  }

  /// One processed job's output, as recorded: a few runs (one per partition, keys disjoint),
  /// kept as they came (recording copies nothing; eviction drops whole layers).
  fileprivate struct Layer: Sendable {
    var version: UInt64
    var runs: [Run]
  }

  /// Layers by ascending version.
  private let layers = Mutex<[Layer]>([])

  public init() {}

  /// The overlay as it is now, read without locking (process takes one per job: entries recorded
  /// later belong to later jobs, and entries evicted meanwhile are simply still visible).
  public struct Snapshot: Sendable {
    fileprivate let layers: [Layer]

    /// The newest in-flight entry of `key`, still encoded (runs of other partitions are not
    /// searched).
    public func newest(_ key: String) -> Encoded? {
      let hash = KeyPartition.hash(key)
      for layer in layers.reversed() {
        for run in layer.runs where run.mayHold(hash: hash) {
          if let entry = run.find(key) { return entry }
        }
      }
      return nil
    }

    /// `held` (from `newest`) with its summary decoded, read through `reader` when not held;
    /// throws `StorageError` if it cannot be read or does not decode.
    public func entry(_ held: Encoded, reader: PartFileReader) throws -> Entry {
      let payload = try held.payload ?? reader.read(held.location, expecting: .artifactSummary)
      let stored = try ArtifactCodec.decodeSummary(payload, at: held.location, what: "in-flight summary")
      return Entry(stored: stored, location: held.location, pendingExternalIDs: held.pendingExternalIDs)
    }
  }

  /// A lock-free view of the current layers.
  public func snapshot() -> Snapshot {
    Snapshot(layers: layers.withLock { $0 })
  }

  /// Records the output of a processed job.
  public func record(_ new: [ExactID: Entry]) {
    var byVersion: [UInt64: [ExactID: Encoded]] = [:]
    for (key, entry) in new {
      byVersion[entry.version, default: [:]][key] = Encoded(
        payload: ArtifactCodec.encode(entry.stored), location: entry.location, version: entry.version,
        pendingExternalIDs: entry.pendingExternalIDs)
    }
    for version in byVersion.keys.sorted() {
      if let map = byVersion[version] { record(runs: [Run(map)], version: version) }
    }
  }

  /// Records the output of job `version` as runs with disjoint keys (e.g. one per partition).
  /// Every entry's `version` must be `version`.
  public func record(runs: [Run], version: UInt64) {
    let runs = runs.filter { !$0.isEmpty }.map { run in
      var run = run
      run.finish()
      return run
    }
    guard !runs.isEmpty else { return }
    layers.withLock { layers in
      if let i = layers.firstIndex(where: { $0.version == version }) {
        // A re-run of the job (its outputs rewritten): the newer runs shadow the older ones.
        layers[i].runs = runs + layers[i].runs
      } else {
        layers.append(Layer(version: version, runs: runs))
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
    layers.withLock { $0.reduce(0) { $0 + $1.runs.reduce(0) { $0 + $1.count } } }
  }
}
