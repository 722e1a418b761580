import LedgerStorage
import LedgerTesting
import Testing

/// The `KeyIndex` contract: every assertion runs against `SQLiteKeyIndex`, `InMemoryKeyIndex` and
/// `PostgresKeyIndex` (when a PostgreSQL server is configured: `Backend.available`).
@Suite struct KeyIndexContractTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  static func entry(
    _ order: String, _ part: String, _ offset: Int64, _ length: Int32, v: UInt64
  ) -> IndexEntry {
    IndexEntry(orderID: order, location: location(part, offset, length), version: v)
  }

  static func location(_ part: String, _ offset: Int64, _ length: Int32) -> ArtifactLocation {
    ArtifactLocation(part: part, offset: offset, length: length)
  }

  /// Thrown from a `forEachEntry` body to stop the iteration.
  struct Stop: Error {}

  @Test(arguments: Backend.keyIndexes)
  func publishedEntriesAreFoundByKeyInTheOrderAsked(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    #expect(try index.count() == 0)
    #expect(try index.entries(for: []) == [])
    let a = Self.entry("A", "p1", 0, 100, v: 1)
    let b = Self.entry("B", "p2", 100, 50, v: 2)
    try index.publish([a, b], eventIDs: [])
    #expect(try index.entries(for: ["B", "missing", "A", "B"]) == [b, nil, a, b])
    #expect(try index.entry(for: "A") == a)
    #expect(try index.entry(for: "a") == nil)
    #expect(try index.entry(for: "missing") == nil)
    #expect(try index.count() == 2)
  }

  @Test(arguments: Backend.keyIndexes)
  func anEntryNeverReplacesAHigherVersion(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let newer = Self.entry("A", "p2", 10, 80, v: 5)
    try index.publish([newer], eventIDs: [])
    try index.publish([Self.entry("A", "p1", 0, 100, v: 4)], eventIDs: [])
    #expect(try index.entry(for: "A") == newer)
    let sameVersion = Self.entry("A", "p3", 0, 90, v: 5)
    try index.publish([sameVersion], eventIDs: [])
    #expect(try index.entry(for: "A") == sameVersion)
    let higher = Self.entry("A", "p4", 40, 70, v: 6)
    try index.publish([higher], eventIDs: [])
    #expect(try index.entry(for: "A") == higher)
    #expect(try index.count() == 1)
  }

  @Test(arguments: Backend.keyIndexes)
  func entriesOfOnePublishApplyInOrder(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    try index.publish(
      [
        Self.entry("A", "p1", 0, 10, v: 2), Self.entry("A", "p2", 0, 10, v: 1),
        Self.entry("A", "p3", 0, 10, v: 3), Self.entry("B", "p5", 0, 10, v: 1),
        Self.entry("A", "p4", 20, 10, v: 3),
      ],
      eventIDs: [])
    let expected = [Self.entry("A", "p4", 20, 10, v: 3), Self.entry("B", "p5", 0, 10, v: 1)]
    #expect(try index.entries(for: ["A", "B"]) == expected)
    #expect(try index.count() == 2)
  }

  @Test(arguments: Backend.keyIndexes)
  func largeOffsetsLengthsAndVersionsRoundTrip(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let big = Self.entry("big", "p-\(UInt64.max)", 1 << 40, .max, v: UInt64(Int64.max))
    try index.publish([big], eventIDs: [])
    #expect(try index.entry(for: "big") == big)
    try index.publish([Self.entry("big", "older", 0, 1, v: UInt64(Int64.max) - 1)], eventIDs: [])
    #expect(try index.entry(for: "big") == big)
  }

  /// Keys compare by their UTF-8 bytes: precomposed "é" and "e" + combining acute are two keys,
  /// although Swift's `==` calls them equal.
  @Test(arguments: Backend.keyIndexes)
  func keysAreDistinctByTheirUTF8Bytes(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let (precomposed, decomposed) = ("\u{E9}", "e\u{301}")
    try index.publish(
      [Self.entry(precomposed, "p1", 0, 10, v: 1), Self.entry(decomposed, "p2", 0, 10, v: 1)],
      eventIDs: [ExternalEventID(orderID: precomposed, eventID: "x")])
    #expect(try index.count() == 2)
    #expect(try index.entry(for: precomposed)?.location.part == "p1")
    #expect(try index.entry(for: decomposed)?.location.part == "p2")
    #expect(try index.knownEventIDs(order: precomposed, among: ["x"]) == ["x"])
    #expect(try index.knownEventIDs(order: decomposed, among: ["x"]) == [])
  }

  @Test(arguments: Backend.keyIndexes)
  func forEachEntryVisitsKeysInUTF8ByteOrder(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let keys = ["z", "\u{E9}", "e\u{301}", "B", "a", "O-2", "O-10", "😀", ""]
    let published = keys.enumerated().map { n, key in
      Self.entry(key, "p\(n % 3)", Int64(n) * 40, 40, v: UInt64(n))
    }
    try index.publish(published, eventIDs: [])
    var visited: [IndexEntry] = []
    try index.forEachEntry { visited.append($0) }
    let expected = ["", "B", "O-10", "O-2", "a", "e\u{301}", "z", "\u{E9}", "😀"]
    #expect(visited.map { Array($0.orderID.utf8) } == expected.map { Array($0.utf8) })
    let byOffset = published.sorted { $0.location.offset < $1.location.offset }
    #expect(visited.sorted { $0.location.offset < $1.location.offset } == byOffset)
  }

  @Test(arguments: Backend.keyIndexes)
  func forEachEntryStopsAtTheFirstErrorAndLeavesTheIndexUsable(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let entries = ["a", "b", "c"].map { Self.entry($0, "p", 0, 20, v: 1) }
    try index.publish(entries, eventIDs: [])
    var visited: [IndexEntry] = []
    #expect(throws: Stop.self) {
      try index.forEachEntry { entry in
        visited.append(entry)
        if visited.count == 2 { throw Stop() }
      }
    }
    #expect(visited == Array(entries.prefix(2)))
    try index.publish([Self.entry("d", "p", 20, 20, v: 1)], eventIDs: [])
    #expect(try index.count() == 4)
  }

  @Test(arguments: Backend.keyIndexes)
  func eventIDsAreIdempotentAndKeptPerOrder(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let ids = [ExternalEventID(orderID: "A", eventID: "e1"), ExternalEventID(orderID: "A", eventID: "e2")]
    try index.publish([], eventIDs: ids)
    try index.publish([], eventIDs: ids + ids + [ExternalEventID(orderID: "B", eventID: "e3")])
    #expect(try index.knownEventIDs(order: "A", among: ["e1", "e2", "e3", "e4", "e1"]) == ["e1", "e2"])
    #expect(try index.knownEventIDs(order: "B", among: ["e1", "e3"]) == ["e3"])
    #expect(try index.knownEventIDs(order: "C", among: ["e1"]) == [])
    #expect(try index.knownEventIDs(order: "A", among: []) == [])
    #expect(try index.count() == 0)
  }

  /// A publish repeated after a crash (same arguments) leaves the index as one publish did.
  @Test(arguments: Backend.keyIndexes)
  func publishingTheSameArgumentsAgainChangesNothing(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let entries = [Self.entry("A", "p", 0, 30, v: 7), Self.entry("B", "p", 30, 30, v: 7)]
    let ids = [ExternalEventID(orderID: "A", eventID: "e1")]
    try index.publish(entries, eventIDs: ids)
    try index.publish(entries, eventIDs: ids)
    #expect(try index.entries(for: ["A", "B"]) == entries)
    #expect(try index.count() == 2)
    #expect(try index.knownEventIDs(order: "A", among: ["e1"]) == ["e1"])
  }

  @Test(arguments: Backend.keyIndexes)
  func relocateMovesOnlyEntriesStillAtTheirOldLocationAndVersion(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let old = ["A", "B", "C", "D", "E", "F"].enumerated().map { n, key in
      Self.entry(key, "old", Int64(n) * 40, 40, v: 3)
    }
    try index.publish(old, eventIDs: [])
    try index.publish([Self.entry("B", "later", 0, 60, v: 4)], eventIDs: [])
    let new = Self.location("new", 8, 40)
    let applied = try index.relocate([
      KeyRelocation(orderID: "A", version: 3, from: Self.location("old", 0, 40), to: new),
      KeyRelocation(orderID: "B", version: 3, from: Self.location("old", 40, 40), to: new),  // superseded
      KeyRelocation(orderID: "C", version: 2, from: Self.location("old", 80, 40), to: new),  // wrong version
      KeyRelocation(orderID: "D", version: 3, from: Self.location("other", 120, 40), to: new),  // wrong part
      KeyRelocation(orderID: "E", version: 3, from: Self.location("old", 999, 40), to: new),  // wrong offset
      KeyRelocation(orderID: "F", version: 3, from: Self.location("old", 200, 41), to: new),  // wrong length
      KeyRelocation(orderID: "missing", version: 3, from: Self.location("old", 0, 40), to: new),
    ])
    #expect(applied == 1)
    #expect(try index.entry(for: "A") == IndexEntry(orderID: "A", location: new, version: 3))
    #expect(try index.entry(for: "B") == Self.entry("B", "later", 0, 60, v: 4))
    #expect(try index.entries(for: ["C", "D", "E", "F"]) == Array(old.dropFirst(2)))
    #expect(try index.entry(for: "missing") == nil)
    #expect(try index.count() == 6)
    #expect(try index.relocate([]) == 0)
  }

  @Test(arguments: Backend.keyIndexes)
  func relocationsOfOneCallApplyInOrder(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    try index.publish([Self.entry("A", "p", 0, 10, v: 1)], eventIDs: [])
    let moved = try index.relocate([
      KeyRelocation(orderID: "A", version: 1, from: Self.location("p", 0, 10), to: Self.location("q", 0, 10)),
      KeyRelocation(orderID: "A", version: 1, from: Self.location("q", 0, 10), to: Self.location("r", 5, 10)),
    ])
    #expect(moved == 2)
    #expect(try index.entry(for: "A") == Self.entry("A", "r", 5, 10, v: 1))
    let stale = KeyRelocation(
      orderID: "A", version: 1, from: Self.location("p", 0, 10), to: Self.location("s", 0, 10))
    #expect(try index.relocate([stale]) == 0)
    #expect(try index.entry(for: "A") == Self.entry("A", "r", 5, 10, v: 1))
  }

  /// Garbage recorded per source adds up per part; recording a source again replaces it; a
  /// measurement replaces everything recorded about its parts and counts as no new garbage.
  @Test(arguments: Backend.keyIndexes)
  func garbageIsRecordedPerSourceAndReplacedByMeasurements(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    #expect(try index.recordedGarbage().isEmpty)
    try index.recordSuperseded(SupersededBytes(source: "job 2 partition 0", byPart: ["p1": 100, "p2": 40]))
    try index.recordSuperseded(SupersededBytes(source: "job 3 partition 0", byPart: ["p1": 30, "p3": 0]))
    #expect(
      try index.recordedGarbage() == [
        "p1": RecordedGarbage(bytes: 130, sinceMeasured: 130), "p2": RecordedGarbage(bytes: 40, sinceMeasured: 40),
      ])
    // The same source again (a retried publish) replaces, never adds.
    try index.recordSuperseded(SupersededBytes(source: "job 2 partition 0", byPart: ["p1": 100, "p2": 40]))
    #expect(try index.recordedGarbage()["p1"] == RecordedGarbage(bytes: 130, sinceMeasured: 130))
    try index.recordMeasuredGarbage(["p1": 120, "p2": 0])
    #expect(try index.recordedGarbage() == ["p1": RecordedGarbage(bytes: 120, sinceMeasured: 0)])
    try index.recordSuperseded(SupersededBytes(source: "job 4 partition 0", byPart: ["p1": 25]))
    #expect(try index.recordedGarbage() == ["p1": RecordedGarbage(bytes: 145, sinceMeasured: 25)])
    try index.recordMeasuredGarbage([:])
    try index.forgetSuperseded(parts: ["p1"])
    #expect(try index.recordedGarbage().isEmpty)
  }
}
