import LedgerDomain
import Testing

@testable import LedgerStorage

/// The fold over an encoded group must be `ArtifactFold` over the decoded events, exactly:
/// the same summary, the same lines (and the same segment bytes), duplicates and rejections.
@Suite struct EncodedFoldTests {
  static let order = "ord-é"
  static let currencies = [
    Currency(code: "USD", minorUnits: 2), Currency(code: "EUR", minorUnits: 2), Currency(code: "JPY", minorUnits: 0),
    Currency(code: "BHD", minorUnits: 3),
  ]
  /// A small pool, so groups repeat ids; "é" precomposed and decomposed are two ids.
  static let idPool = ["a", "b", "evt-0000000000000001", "evt-0000000000000002", "é", "e\u{301}", "x-é", "x-e\u{301}"]

  static func randomEvent(_ random: inout SeededRandom, line: Int) -> Event {
    let id = random.next(below: 4) == 0 ? "id-\(random.next(below: 1000))" : idPool[random.next(below: idPool.count)]
    let amount: Int64 =
      switch random.next(below: 10) {
      case 0: Int64.max - Int64(random.next(below: 3))
      case 1: Int64.min + Int64(random.next(below: 3))
      case 2: 0
      default: Int64(random.next(below: 20_000)) - 10_000
      }
    let extras = random.next(below: 5) == 0 ? [ExtraField(name: "channel", rawJSON: "\"web\"")] : []
    return Event(
      id: id, orderID: order, kind: EventKind.allCases[random.next(below: EventKind.allCases.count)],
      amount: amount, currency: currencies[random.next(below: currencies.count)], ts: "2026-11-27T10:00:00Z",
      entity: random.next(below: 2) == 0 ? "acme" : nil, memo: random.next(below: 3) == 0 ? "mémo" : nil,
      reason: nil, author: nil, extras: extras,
      origin: EventOrigin(source: random.next(below: 2) == 0 ? "web" : "shop", file: "f.jsonl", line: line))
  }

  static func randomBase(_ random: inout SeededRandom) -> (ArtifactSummary, SortedIDs) {
    var totals: [Currency: CurrencyTotals] = [:]
    for currency in currencies where random.next(below: 2) == 0 {
      let near = random.next(below: 3) == 0
      totals[currency] =
        near
        ? CurrencyTotals(balance: Int64.max - 5_000, debits: Int64.max - 5_000, credits: 0)
        : CurrencyTotals(balance: 100, debits: 300, credits: -200)
    }
    let known = SortedIDs((0..<random.next(below: 4)).map { _ in idPool[random.next(below: idPool.count)] })
    return (ArtifactSummary(orderID: order, version: 3, lineCount: known.count, totals: totals), known)
  }

  @Test(arguments: Array(1...40) as [UInt64])
  func equalsTheFoldOverDecodedEvents(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let count = random.next(below: 4) == 0 ? 9 + random.next(below: 40) : 1 + random.next(below: 8)
    let events = (0..<count).map { Self.randomEvent(&random, line: $0 + 1) }
    let (base, known) = Self.randomBase(&random)
    let payload = ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: events))

    let group = try EncodedGroup(payload)
    #expect(group.orderID == Self.order)
    #expect(try group.events() == ArtifactCodec.decodeStatelessGroup(payload).events)
    let expected = ArtifactFold().apply(events, to: base, isKnown: { known.contains($0) })
    let outcome = try #require(try EncodedFold().apply(group, to: base, isKnown: { known.contains(bytes: $0) }))

    #expect(outcome.summary == expected.summary)
    #expect(outcome.accepted.map { events[$0] } == expected.accepted)
    #expect(outcome.accepted.map { group.id(at: $0) } == expected.accepted.map(\.id))
    #expect(outcome.duplicates == expected.duplicates)
    #expect(outcome.rejected == expected.rejected)
    #expect(
      group.lineSegment(of: outcome.accepted, version: 77)
        == ArtifactCodec.encode(LineSegment(orderID: Self.order, version: 77, events: expected.accepted)))
  }

  /// The random groups above do reach every path: rejects, duplicates of known and of earlier
  /// ids, partly accepted groups (a segment built from some events' bytes) and long groups.
  @Test func theRandomGroupsReachEveryPath() throws {
    var rejected = 0
    var duplicates = 0
    var partial = 0
    var long = 0
    for seed in 1...40 as ClosedRange<UInt64> {
      var random = SeededRandom(seed: seed)
      let count = random.next(below: 4) == 0 ? 9 + random.next(below: 40) : 1 + random.next(below: 8)
      let events = (0..<count).map { Self.randomEvent(&random, line: $0 + 1) }
      let (base, known) = Self.randomBase(&random)
      let group = try EncodedGroup(ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: events)))
      let outcome = try #require(try EncodedFold().apply(group, to: base, isKnown: { known.contains(bytes: $0) }))
      rejected += outcome.rejected.count
      duplicates += outcome.duplicates
      if !outcome.accepted.isEmpty, outcome.accepted.count < count { partial += 1 }
      if count > 8 { long += 1 }
    }
    #expect(rejected > 0 && duplicates > 0 && partial > 0 && long > 0)
  }

  @Test func precomposedAndDecomposedIdsAreTwoLines() throws {
    let events = ["é", "e\u{301}", "é"].enumerated().map { line, id in
      Event(
        id: id, orderID: Self.order, kind: .charge, amount: 100, currency: .usd, ts: "2026-11-27T10:00:00Z",
        origin: EventOrigin(source: "web", file: "f.jsonl", line: line + 1))
    }
    let group = try EncodedGroup(ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: events)))
    let fresh = try #require(
      try EncodedFold().apply(group, to: ArtifactSummary(orderID: Self.order), isKnown: { _ in false }))
    #expect(fresh.accepted == [0, 1])
    #expect(fresh.duplicates == 1)
    let known: SortedIDs = ["e\u{301}"]
    let onKnown = try #require(
      try EncodedFold().apply(
        group, to: ArtifactSummary(orderID: Self.order), isKnown: { known.contains(bytes: $0) }))
    #expect(onKnown.accepted == [0])
    #expect(onKnown.duplicates == 2)
  }

  @Test(arguments: ["ABCDEFGHIJ", "ÉUR"])
  func aCurrencyCodeThatDoesNotFitIsLeftToTheDecodedFold(code: String) throws {
    let event = Event(
      id: "a", orderID: Self.order, kind: .charge, amount: 1, currency: Currency(code: code, minorUnits: 2),
      ts: "2026-11-27T10:00:00Z", origin: EventOrigin(source: "web", file: "f.jsonl", line: 1))
    let group = try EncodedGroup(ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: [event])))
    #expect(!group.currenciesFit)
    #expect(try EncodedFold().apply(group, to: ArtifactSummary(orderID: Self.order), isKnown: { _ in false }) == nil)
  }

  /// Every truncation and every flipped byte of a group: scanning refuses exactly what decoding
  /// refuses, on the fast scan (ASCII, no extras) and on the careful one.
  @Test(arguments: [false, true])
  func scanningRefusesWhatDecodingRefuses(asciiOnly: Bool) throws {
    var random = SeededRandom(seed: 9)
    var events = (0..<3).map { Self.randomEvent(&random, line: $0 + 1) }
    if asciiOnly {
      events = events.map { event in
        var plain = event
        plain.id = "evt-\(event.origin.line)"
        plain.memo = event.memo.map { _ in "memo" }
        plain.extras = []
        return plain
      }
      events[0].memo = "memo"
    } else {
      events[0].memo = "mémo"
    }
    let payload = ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: events))
    func agree(_ bytes: [UInt8]) {
      let decoded = (try? ArtifactCodec.decodeStatelessGroup(bytes)) != nil
      let scanned = (try? EncodedGroup(bytes)) != nil
      #expect(decoded == scanned, "\(bytes)")
    }
    for length in 0..<payload.count { agree(Array(payload[..<length])) }
    for index in payload.indices {
      for value: UInt8 in [0x00, 0x7F, 0x80, 0xC3, 0xFF] {
        var bytes = payload
        bytes[index] = value
        agree(bytes)
      }
    }
  }

  @Test func byteMembershipAgreesWithStringMembership() {
    let ids = SortedIDs(Self.idPool)
    for probe in Self.idPool + ["", "c", "evt-0000000000000003", "e"] {
      var copy = probe
      #expect(copy.withUTF8 { ids.contains(bytes: $0) } == ids.contains(probe), "\(probe)")
    }
  }
}
