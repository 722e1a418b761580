import LedgerDomain
import Testing

@testable import LedgerStorage

struct ArtifactCodecTests {
  static let usd = Currency(code: "USD", minorUnits: 2)
  static let bhd = Currency(code: "BHD", minorUnits: 3)

  static func event(_ id: String, order: String = "ORD-1", amount: Int64 = 1250) -> Event {
    Event(
      id: id, orderID: order, kind: .charge, amount: amount, currency: usd, ts: "2026-11-27T10:00:00Z",
      origin: EventOrigin(source: "shop", file: "20261127T100000Z_20261127T101500Z.jsonl", line: 3))
  }

  static let fullEvent = Event(
    id: "evt-ü-1", orderID: "ORD-1", kind: .correction, amount: -Int64.max, currency: bhd,
    ts: "2026-11-27T10:00:00.123+01:00", entity: "EU", memo: "fix\nmemo", reason: "typo", author: "ann",
    extras: [ExtraField(name: "channel", rawJSON: "\"web\""), ExtraField(name: "n", rawJSON: "[1,2]")],
    origin: EventOrigin(source: "corrections", file: "x.jsonl", line: 1_000_000))

  static let summary = StoredSummary(
    summary: ArtifactSummary(
      orderID: "ORD-1", version: 42, lineCount: 3,
      totals: [
        usd: CurrencyTotals(balance: 0, debits: 500, credits: -500),
        bhd: CurrencyTotals(balance: 1250, debits: 1250, credits: 0),
      ]),
    segments: [
      SegmentRef(location: ArtifactLocation(part: "s/1.part", offset: 0, length: 300), lineCount: 2),
      SegmentRef(location: ArtifactLocation(part: "s/9.part", offset: 1 << 40, length: 120), lineCount: 1),
    ],
    ids: .inline(["a", "b", "c"]))

  @Test func eventWithEveryFieldRoundTrips() throws {
    #expect(try ArtifactCodec.decodeEvent(ArtifactCodec.encode(Self.fullEvent)) == Self.fullEvent)
  }

  @Test(arguments: EventKind.allCases)
  func everyEventKindRoundTrips(kind: EventKind) throws {
    var event = Self.event("e")
    event.kind = kind
    #expect(try ArtifactCodec.decodeEvent(ArtifactCodec.encode(event)) == event)
  }

  @Test func lineSegmentRoundTripsIncludingAForeignOrderEvent() throws {
    let segment = LineSegment(
      orderID: "ORD-1", version: 7,
      events: [Self.event("a"), Self.fullEvent, Self.event("b", order: "ORD-2", amount: -3)])
    #expect(try ArtifactCodec.decodeLineSegment(ArtifactCodec.encode(segment)) == segment)
  }

  /// A summary that does not decode names where it was read (the location is formatted only then).
  @Test func malformedSummaryErrorNamesItsLocation() throws {
    let location = ArtifactLocation(part: "a/0000000007-a-1.part", offset: 4096, length: 40)
    let error = try #require(throws: StorageError.self) {
      try ArtifactCodec.decodeSummary([0x05, 0x41], at: location, what: "in-flight summary")
    }
    guard case .malformed(let context, _, _) = error else {
      Issue.record("expected malformed, got \(error)")
      return
    }
    #expect(context == "in-flight summary at \(location)")
  }

  @Test func statelessGroupRoundTrips() throws {
    let group = StatelessGroup(
      orderID: "ORD-9", events: [Self.event("x", order: "ORD-9"), Self.event("y", order: "ORD-9")])
    #expect(try ArtifactCodec.decodeStatelessGroup(ArtifactCodec.encode(group)) == group)
    // Process builds the segment of a fully accepted group from the group's bytes.
    for version: UInt64 in [1, 300, UInt64.max] {
      let spliced = try ArtifactCodec.lineSegment(fromGroupPayload: ArtifactCodec.encode(group), version: version)
      let segment = LineSegment(orderID: "ORD-9", version: version, events: group.events)
      #expect(spliced == ArtifactCodec.encode(segment))
      #expect(try ArtifactCodec.decodeLineSegment(spliced) == segment)
    }
  }

  @Test(arguments: [EventIDSet.inline(["a", "b", "c"]), .inline([]), .external])
  func storedSummaryRoundTrips(ids: EventIDSet) throws {
    var summary = Self.summary
    summary.ids = ids
    #expect(try ArtifactCodec.decodeSummary(ArtifactCodec.encode(summary)) == summary)
  }

  @Test func equalSummariesEncodeToEqualBytes() {
    var other = Self.summary
    other.ids = .inline(["c", "b", "a"])
    #expect(ArtifactCodec.encode(other) == ArtifactCodec.encode(Self.summary))
  }

  @Test func indexManifestEntryRoundTrips() throws {
    let manifest = IndexManifestEntry(
      entry: IndexEntry(orderID: "ORD-1", location: ArtifactLocation(part: "p", offset: 99, length: 80), version: 5),
      externalEventIDs: ["e1", "e2"])
    #expect(try ArtifactCodec.decodeIndexManifestEntry(ArtifactCodec.encode(manifest)) == manifest)
  }

  @Test func everyTruncationOfASummaryThrows() {
    let bytes = ArtifactCodec.encode(Self.summary)
    for length in 0..<bytes.count {
      #expect(throws: StorageError.self, "prefix \(length)") {
        try ArtifactCodec.decodeSummary(Array(bytes[..<length]))
      }
    }
  }

  @Test func everyTruncationOfASegmentThrows() {
    let bytes = ArtifactCodec.encode(LineSegment(orderID: "O", version: 1, events: [Self.fullEvent]))
    for length in 0..<bytes.count {
      #expect(throws: StorageError.self, "prefix \(length)") {
        try ArtifactCodec.decodeLineSegment(Array(bytes[..<length]))
      }
    }
  }

  @Test func trailingBytesAreRejected() throws {
    let error = try #require(throws: StorageError.self) {
      try ArtifactCodec.decodeSummary(ArtifactCodec.encode(Self.summary) + [0], context: "artifact summary at p@0+9")
    }
    guard case .malformed(let context, _, let detail) = error else {
      Issue.record("expected malformed, got \(error)")
      return
    }
    #expect(context == "artifact summary at p@0+9")
    #expect(detail == "1 unexpected trailing bytes")
  }

  @Test func unknownEventKindCodeIsMalformed() throws {
    var bytes = ArtifactCodec.encode(Self.event("e"))
    // flags, own order id flag set: [flags][len 1]["e"][len 5]["ORD-1"][kind]
    #expect(bytes[9] == 1)
    bytes[9] = 99
    let error = try #require(throws: StorageError.self) { try ArtifactCodec.decodeEvent(bytes) }
    #expect(error == .malformed(context: "event", offset: 9, detail: "unknown event kind code 99"))
  }

  @Test func pseudoRandomGarbageNeverCrashes() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<2000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let bytes = (0..<Int(state >> 58)).map { index in UInt8(truncatingIfNeeded: state >> UInt64(index % 56)) }
      _ = try? ArtifactCodec.decodeSummary(bytes)
      _ = try? ArtifactCodec.decodeLineSegment(bytes)
      _ = try? ArtifactCodec.decodeStatelessGroup(bytes)
      _ = try? ArtifactCodec.decodeIndexManifestEntry(bytes)
    }
  }
}
