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

  /// An entry as held: the summary stays encoded (its record payload) until process asks for
  /// it, so a million in-flight keys cost about a hundred bytes each, not a decoded summary.
  public struct Encoded: Sendable {
    /// The `RecordType.artifactSummary` payload written at `location`.
    public var payload: [UInt8]
    public var location: ArtifactLocation
    public var version: UInt64
    /// External event ids added by in-flight jobs (cumulative since the last indexed version).
    public var pendingExternalIDs: Set<String>

    /// An encoded entry.
    public init(payload: [UInt8], location: ArtifactLocation, version: UInt64, pendingExternalIDs: Set<String>) {
      self.payload = payload
      self.location = location
      self.version = version
      self.pendingExternalIDs = pendingExternalIDs
    }
  }

  private let entries = Mutex<[String: Encoded]>([:])

  public init() {}

  /// The newest in-flight version of `key`; throws `StorageError` if its payload does not decode.
  public func latest(_ key: String) throws -> Entry? {
    guard let held = entries.withLock({ $0[key] }) else { return nil }
    let stored = try ArtifactCodec.decodeSummary(held.payload, context: "in-flight summary at \(held.location)")
    return Entry(stored: stored, location: held.location, pendingExternalIDs: held.pendingExternalIDs)
  }

  /// The version of the newest in-flight entry of `key`, without decoding it.
  public func latestVersion(_ key: String) -> UInt64? {
    entries.withLock { $0[key]?.version }
  }

  /// Records the output of a processed job.
  public func record(_ new: [String: Entry]) {
    record(encoded: new.mapValues { entry in
      Encoded(
        payload: ArtifactCodec.encode(entry.stored), location: entry.location, version: entry.version,
        pendingExternalIDs: entry.pendingExternalIDs)
    })
  }

  /// Records the output of a processed job, already encoded.
  public func record(encoded new: [String: Encoded]) {
    entries.withLock { map in
      for (key, entry) in new where (map[key]?.version ?? 0) <= entry.version {
        map[key] = entry
      }
    }
  }

  /// Drops entries of jobs ≤ `safeThrough` (indexed and seen by every waiting prefetch).
  public func evict(through safeThrough: UInt64) {
    entries.withLock { map in
      map = map.filter { $0.value.version > safeThrough }
    }
  }

  /// Number of keys held (for status and tests).
  public var count: Int { entries.withLock { $0.count } }
}
