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

  private let entries = Mutex<[String: Entry]>([:])

  public init() {}

  /// The newest in-flight version of `key`.
  public func latest(_ key: String) -> Entry? {
    entries.withLock { $0[key] }
  }

  /// Records the output of a processed job.
  public func record(_ new: [String: Entry]) {
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
