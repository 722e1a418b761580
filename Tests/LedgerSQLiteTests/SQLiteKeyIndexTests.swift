import Foundation
import LedgerSQLite
import LedgerTesting
import Testing

@testable import LedgerStorage

struct SQLiteKeyIndexTests {
  let dir: TemporaryDirectory
  let index: SQLiteKeyIndex

  init() throws {
    dir = try TemporaryDirectory()
    index = try SQLiteKeyIndex(path: dir.file("index.sqlite"))
  }

  static func entry(_ order: String, _ part: String, _ offset: Int64, _ length: Int32, v: UInt64) -> IndexEntry {
    IndexEntry(orderID: order, location: ArtifactLocation(part: part, offset: offset, length: length), version: v)
  }

  @Test func publishedEntriesAreFoundByKey() throws {
    let a = Self.entry("A", "p1", 0, 100, v: 1)
    let b = Self.entry("B", "p2", 100, 50, v: 1)
    try index.publish([a, b], eventIDs: [])
    #expect(try index.entries(for: ["A", "missing", "B"]) == [a, nil, b])
    #expect(try index.entry(for: "B") == b)
    #expect(try index.entry(for: "missing") == nil)
    #expect(try index.count() == 2)
  }

  @Test func upsertNeverLowersAVersion() throws {
    let newer = Self.entry("A", "p2", 10, 80, v: 5)
    try index.publish([newer], eventIDs: [])
    try index.publish([Self.entry("A", "p1", 0, 100, v: 4)], eventIDs: [])
    #expect(try index.entry(for: "A") == newer)
    let sameVersion = Self.entry("A", "p3", 0, 90, v: 5)
    try index.publish([sameVersion], eventIDs: [])
    #expect(try index.entry(for: "A") == sameVersion)
    #expect(try index.liveBytesByPart() == ["p1": 0, "p2": 0, "p3": 90])
    #expect(try index.count() == 1)
  }

  @Test func eventIDsAreIdempotent() throws {
    let ids = [ExternalEventID(orderID: "A", eventID: "e1"), ExternalEventID(orderID: "A", eventID: "e2")]
    try index.publish([], eventIDs: ids)
    try index.publish([], eventIDs: ids + [ExternalEventID(orderID: "B", eventID: "e3")])
    #expect(try index.knownEventIDs(order: "A", among: ["e1", "e2", "e3", "e4"]) == ["e1", "e2"])
    #expect(try index.knownEventIDs(order: "B", among: ["e1", "e3"]) == ["e3"])
    let total = try index.database.withConnection { try $0.scalarInt64("SELECT count(*) FROM event_ids") }
    #expect(total == 3)
  }

  @Test func forEachEntryVisitsKeysInOrder() throws {
    try index.publish(["c", "a", "b"].map { Self.entry($0, "p", 0, 20, v: 1) }, eventIDs: [])
    var keys: [String] = []
    try index.forEachEntry { keys.append($0.orderID) }
    #expect(keys == ["a", "b", "c"])
  }

  @Test func relocateMovesOnlyEntriesStillAtTheOldLocation() throws {
    let old = ArtifactLocation(part: "old", offset: 0, length: 40)
    let new = ArtifactLocation(part: "new", offset: 8, length: 40)
    try index.publish(
      [
        Self.entry("A", "old", 0, 40, v: 3), Self.entry("B", "old", 40, 40, v: 3), Self.entry("C", "old", 80, 40, v: 3),
      ],
      eventIDs: [])
    try index.publish([Self.entry("B", "later", 0, 60, v: 4)], eventIDs: [])
    let applied = try index.relocate([
      KeyRelocation(orderID: "A", version: 3, from: old, to: new),
      KeyRelocation(
        orderID: "B", version: 3, from: ArtifactLocation(part: "old", offset: 40, length: 40),
        to: ArtifactLocation(part: "new", offset: 48, length: 40)),
      KeyRelocation(orderID: "C", version: 2, from: ArtifactLocation(part: "old", offset: 80, length: 40), to: new),
    ])
    #expect(applied == 1)
    #expect(try index.entry(for: "A") == IndexEntry(orderID: "A", location: new, version: 3))
    #expect(try index.entry(for: "B")?.location.part == "later")
    #expect(try index.entry(for: "C")?.location.part == "old")
    #expect(try index.liveBytesByPart() == ["old": 40, "new": 40, "later": 60])
    #expect(try index.count() == 3)
  }

  @Test func readOnlyIndexSeesEntriesAndRefusesPublish() throws {
    let a = Self.entry("A", "p1", 0, 100, v: 1)
    try index.publish([a], eventIDs: [])
    let reader = try SQLiteKeyIndex(readOnlyPath: dir.file("index.sqlite"))
    #expect(try reader.entry(for: "A") == a)
    let error = try #require(throws: SQLiteError.self) { try reader.publish([a], eventIDs: []) }
    #expect(error.code & 0xFF == 8)
  }

  /// An index written by an earlier version (per-part stats triggers, no `entry_count`) is
  /// migrated on open: the old triggers go, the count is taken once from the entries.
  @Test func openingAnIndexWithoutTheCountTableCountsItsEntriesOnce() throws {
    try index.publish(["a", "b", "c"].map { Self.entry($0, "p", 0, 20, v: 1) }, eventIDs: [])
    try index.database.execute(
      """
      DROP TRIGGER entries_counted_insert; DROP TRIGGER entries_counted_delete; DROP TABLE entry_count;
      CREATE TABLE part_stats (part_id INTEGER PRIMARY KEY, live_bytes INTEGER NOT NULL, live_count INTEGER NOT NULL);
      CREATE TRIGGER entries_update AFTER UPDATE OF part_id, length ON entries BEGIN
        UPDATE part_stats SET live_count = live_count - 1 WHERE part_id = old.part_id;
      END;
      """)
    let reader = try SQLiteKeyIndex(readOnlyPath: dir.file("index.sqlite"))
    #expect(try reader.count() == 3)  // read-only, not migrated: counted by a scan
    let reopened = try SQLiteKeyIndex(path: dir.file("index.sqlite"))
    #expect(try reopened.count() == 3)
    try reopened.publish([Self.entry("a", "q", 0, 30, v: 2), Self.entry("d", "q", 30, 30, v: 2)], eventIDs: [])
    #expect(try reopened.count() == 4)
    let triggers = try reopened.database.withConnection {
      try $0.scalarInt64("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'entries_update'")
    }
    #expect(triggers == 0)
  }

  /// Commits do not checkpoint: a small write leaves the WAL alone, a write that grows it past
  /// 1,000 pages is followed by a background checkpoint, and `checkpoint()` leaves every WAL
  /// frame in the database.
  @Test func largeWritesAreCheckpointedInTheBackground() throws {
    try index.publish([Self.entry("small", "p", 0, 40, v: 1)], eventIDs: [])
    usleep(50_000)
    #expect(index.checkpointsCompleted == 0)
    // 60,000 entries with 60-byte keys: well over 1,000 pages of 4 KiB.
    let pad = String(repeating: "x", count: 52)
    try index.publish((0..<60_000).map { Self.entry("k\(pad)\($0)", "p", Int64($0) * 40, 40, v: 1) }, eventIDs: [])
    var waited = 0
    while index.checkpointsCompleted == 0 && waited < 500 {
      usleep(10_000)
      waited += 1
    }
    #expect(index.checkpointsCompleted >= 1)
    try index.checkpoint()
    var frames: [Int64] = []
    try index.database.withConnection { conn in
      try conn.query("PRAGMA wal_checkpoint(PASSIVE)") { row in
        frames = [row.int64(at: 0), row.int64(at: 1), row.int64(at: 2)]
      }
    }
    #expect(frames.count == 3 && frames[0] == 0 && frames[1] == frames[2])
    #expect(try SQLiteKeyIndex(readOnlyPath: dir.file("index.sqlite")).count() == 60_001)
  }
}
