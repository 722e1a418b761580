import LedgerDomain
import LedgerStorage
import Synchronization

/// A `KeyIndex` in memory, with the semantics of `SQLiteKeyIndex`: for engine tests that do not
/// depend on durability, and as the second implementation the port's contract tests run against.
///
/// Keys, event ids and part names compare by their UTF-8 bytes, as SQLite's BINARY collation
/// does: `"é"` (U+00E9) and `"e\u{301}"` are two keys here, although Swift's `==` calls them
/// equal. Every method holds one lock for its whole duration, so each is atomic.
///
/// Versions compare as `UInt64`. (`SQLiteKeyIndex` stores them as their `Int64` bit pattern and
/// compares those, which differs only at versions of 2^63 and above.)
public final class InMemoryKeyIndex: KeyIndex {
  /// One indexed artifact: the key as published and where its current version lives.
  struct Stored: Sendable {
    var orderID: String
    var location: ArtifactLocation
    var version: UInt64
  }

  /// One row of the external event-id table, by UTF-8 bytes.
  struct EventIDKey: Hashable, Sendable {
    var order: [UInt8]
    var event: [UInt8]

    init(order: String, event: String) {
      self.order = Array(order.utf8)
      self.event = Array(event.utf8)
    }
  }

  /// Everything the index holds, keyed by UTF-8 bytes.
  struct State: Sendable {
    var entries: [[UInt8]: Stored] = [:]
    var eventIDs: Set<EventIDKey> = []
    /// Superseded bytes by source, then part.
    var superseded: [String: [String: Int64]] = [:]
  }

  private let state = Mutex(State())
  let stampRecord = InMemoryStoreStamp(piece: .index)

  /// Whether the scheduler may run several publishes at once (as on PostgreSQL); each is atomic
  /// here either way.
  public let admitsConcurrentPublishes: Bool

  /// An empty index; `admitsConcurrentPublishes` as a server's index does (a fleet's doubles).
  public init(admitsConcurrentPublishes: Bool = false) {
    self.admitsConcurrentPublishes = admitsConcurrentPublishes
  }

  // MARK: KeyIndex

  /// Current entries for `keys`, one per key in the same order (`nil`: no artifact).
  public func entries(for keys: [String]) throws -> [IndexEntry?] {
    state.withLock { s in
      keys.map { key in s.entries[Array(key.utf8)].map { Self.entry(key, $0) } }
    }
  }

  /// Records `superseded` under its source, replacing what that source recorded before.
  public func recordSuperseded(_ superseded: SupersededBytes) throws {
    state.withLock { $0.superseded[superseded.source] = superseded.byPart.filter { $0.value > 0 } }
  }

  /// Garbage per part, over every source.
  public func recordedGarbage() throws -> [String: RecordedGarbage] {
    state.withLock { s in
      var out: [String: RecordedGarbage] = [:]
      for (source, parts) in s.superseded {
        for (part, bytes) in parts {
          var g = out[part] ?? RecordedGarbage(bytes: 0, sinceMeasured: 0)
          g.bytes += bytes
          if source != RecordedGarbage.measuredSource { g.sinceMeasured += bytes }
          out[part] = g
        }
      }
      return out
    }
  }

  /// Replaces every source's bytes in each measured part by the measurement.
  public func recordMeasuredGarbage(_ measured: [String: Int64]) throws {
    state.withLock { s in
      for source in s.superseded.keys {
        for part in measured.keys { s.superseded[source]?[part] = nil }
      }
      for (part, bytes) in measured where bytes > 0 {
        s.superseded[RecordedGarbage.measuredSource, default: [:]][part] = bytes
      }
    }
  }

  /// Forgets every source's bytes in `parts`.
  public func forgetSuperseded(parts: [String]) throws {
    state.withLock { s in
      for source in s.superseded.keys {
        for part in parts { s.superseded[source]?[part] = nil }
      }
    }
  }

  /// The current entry for one key.
  public func entry(for key: String) throws -> IndexEntry? {
    state.withLock { s in s.entries[Array(key.utf8)].map { Self.entry(key, $0) } }
  }

  /// The subset of `ids` already recorded for `order` in the external event-id table.
  public func knownEventIDs(order: String, among ids: [String]) throws -> Set<ExactID> {
    state.withLock { s in
      Set(ids.filter { s.eventIDs.contains(EventIDKey(order: order, event: $0)) }.map { ExactID($0) })
    }
  }

  /// Upserts `entries` in order (an entry replaces one of the same or a lower version, never a
  /// higher one) and records `eventIDs` (idempotent), all at once. `fence` is not checked (one
  /// engine uses the double, as one engine opens a SQLite store).
  public func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID], fence: PublishFence?) throws {
    state.withLock { s in
      for entry in entries {
        let key = Array(entry.orderID.utf8)
        if let current = s.entries[key], entry.version < current.version { continue }
        s.entries[key] = Stored(orderID: entry.orderID, location: entry.location, version: entry.version)
      }
      for id in eventIDs {
        s.eventIDs.insert(EventIDKey(order: id.orderID, event: id.eventID))
      }
    }
  }

  /// Calls `body` for every entry in key order (ascending UTF-8 bytes, `KeyOrder`).
  ///
  /// Like `SQLiteKeyIndex`, whose iteration holds its writer connection's lock, `body` runs
  /// while the index is locked: it sees one consistent state, other threads' writes wait, and a
  /// call back into this index from `body` traps (`Mutex` is not re-entrant). SQLite traps the
  /// same way for writes and counts, and for one lookup in four (those routed to the writer).
  public func forEachEntry(_ body: (IndexEntry) throws -> Void) throws {
    try state.withLock { s in
      let ordered = s.entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
      for (_, stored) in ordered {
        try body(Self.entry(stored.orderID, stored))
      }
    }
  }

  /// Number of indexed artifacts.
  public func count() throws -> Int {
    state.withLock { $0.entries.count }
  }

  /// Applies `moves` in order, each only while its entry is still at `move.version` and
  /// `move.from`. Returns how many applied.
  @discardableResult
  public func relocate(_ moves: [KeyRelocation]) throws -> Int {
    state.withLock { s in
      var applied = 0
      for move in moves {
        let key = Array(move.orderID.utf8)
        guard let current = s.entries[key], current.version == move.version,
          Self.sameBytes(current.location, move.from)
        else { continue }
        s.entries[key]?.location = move.to
        applied += 1
      }
      return applied
    }
  }

  // MARK: Helpers

  private static func entry(_ key: String, _ stored: Stored) -> IndexEntry {
    IndexEntry(orderID: key, location: stored.location, version: stored.version)
  }

  /// Whether `a` and `b` are the same record: byte-equal part names, same offset and length.
  private static func sameBytes(_ a: ArtifactLocation, _ b: ArtifactLocation) -> Bool {
    a.offset == b.offset && a.length == b.length && a.part.utf8.elementsEqual(b.part.utf8)
  }
}
