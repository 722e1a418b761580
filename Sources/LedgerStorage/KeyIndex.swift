import LedgerDomain

/// The current location and version of one artifact.
public struct IndexEntry: Sendable, Equatable {
  public var orderID: String
  public var location: ArtifactLocation
  public var version: UInt64

  public init(orderID: String, location: ArtifactLocation, version: UInt64) {
    self.orderID = orderID
    self.location = location
    self.version = version
  }
}

/// key → (part file, offset, length, version), plus the event-id table of large artifacts.
///
/// The port the embedded SQLite backend implements today and a PostgreSQL backend later.
/// Every method is one round trip (one transaction), never one per key.
public protocol KeyIndex: StoreStamped {
  /// Current entries for `keys`, one per key in the same order (`nil`: no artifact). Callers
  /// pass keys sorted by their bytes when they can (B-tree locality).
  func entries(for keys: [String]) throws -> [IndexEntry?]
  /// The current entry for one key.
  func entry(for key: String) throws -> IndexEntry?
  /// The subset of `ids` already recorded for `order` in the external event-id table.
  func knownEventIDs(order: String, among ids: [String]) throws -> Set<ExactID>
  /// Atomically upserts `entries` (an entry never replaces a higher version) and records
  /// `eventIDs` (idempotent). Safe to call again with the same arguments after a crash.
  ///
  /// With `fence`, publishes only while the index task it names is still running under its
  /// attempt, checked in the same transaction where the index shares a database with the
  /// workflow ledger (PostgreSQL): a process that lost its task never puts locations back.
  /// Throws ``LedgerError/notRunning(job:stage:)`` then, and publishes nothing. An index only one
  /// engine opens (SQLite, under the engine lock) has no one to be fenced from.
  func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID], fence: PublishFence?) throws
  /// Records garbage (idempotent: the same `source` again replaces its bytes).
  func recordSuperseded(_ superseded: SupersededBytes) throws
  /// Garbage recorded per part file (parts deleted since may still be listed).
  func recordedGarbage() throws -> [String: RecordedGarbage]
  /// Replaces everything recorded about each part in `measured` by the garbage a compaction
  /// pass measured there (`RecordedGarbage.measuredSource`; 0 records nothing).
  func recordMeasuredGarbage(_ measured: [String: Int64]) throws
  /// Forgets what was recorded about `parts` (compaction deleted them).
  func forgetSuperseded(parts: [String]) throws
  /// Calls `body` for every entry in key order.
  func forEachEntry(_ body: (IndexEntry) throws -> Void) throws
  /// Number of indexed artifacts.
  func count() throws -> Int
  /// Compaction: moves entries to copied records, each only while it is still at `from` and
  /// `version`. Returns how many moved.
  func relocate(_ moves: [KeyRelocation]) throws -> Int
  /// Whether publishes from different connections run side by side (a server's row locks)
  /// instead of one after another (one writer, as in SQLite): the scheduler then lets each
  /// process of a fleet index a partition at once.
  var admitsConcurrentPublishes: Bool { get }
  /// Failures of the index's background work (merges of runs) since the last call, oldest
  /// first: the engine reports them. The data stays as it was; the work is tried again later.
  func takeBackgroundFailures() -> [String]
  /// Per partition, the newest job whose index task published here (with a fence, in the
  /// publish's own transaction). Held against the workflow ledger when a store opens: a ledger
  /// that has a partition indexed further than this is newer than the index (one of them was
  /// restored from another backup), and the store is not whole. Empty where no marks are kept:
  /// an index whose ledger shares its database (PostgreSQL) cannot be restored apart from it.
  func publishedThrough() throws -> [Int: UInt64]
  /// Opens what the index keeps beside its database (run files) and checks it is all there and
  /// whole, so an engine refuses a store with a missing or damaged piece when it starts, not at
  /// the first batch that reads it. Throws the `StorageError` naming the file.
  func checkWhole() throws
}

/// One event id of a large artifact, kept in the key index instead of the summary.
public struct ExternalEventID: Sendable, Hashable {
  public var orderID: String
  public var eventID: String

  public init(orderID: String, eventID: String) {
    self.orderID = orderID
    self.eventID = eventID
  }
}

extension KeyIndex {
  public var admitsConcurrentPublishes: Bool { false }
  public func takeBackgroundFailures() -> [String] { [] }
  public func publishedThrough() throws -> [Int: UInt64] { [:] }
  public func checkWhole() throws {}

  /// Publishes without a fence (tools, loaders, tests).
  public func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID]) throws {
    try publish(entries, eventIDs: eventIDs, fence: nil)
  }
}

/// The index task a publish belongs to: partition `partition` of job `job`, attempt `attempt`.
public struct PublishFence: Sendable, Equatable {
  public var job: UInt64
  public var partition: Int
  public var attempt: Int

  public init(job: UInt64, partition: Int, attempt: Int) {
    self.job = job
    self.partition = partition
    self.attempt = attempt
  }
}
