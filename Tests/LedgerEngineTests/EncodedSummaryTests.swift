import LedgerDomain
import LedgerStorage
import Testing

@testable import LedgerEngine

/// Process writes the common case from the base's record bytes (`EncodedSummary`), with no
/// `StoredSummary` built. It must write exactly what the decoding path writes (decode, fold,
/// `StoredSummary.appending`, encode), and hand every other record to that path.
@Suite struct EncodedSummaryTests {
  static let order = "ord-é"
  static let currencies = [
    Currency(code: "USD", minorUnits: 2), Currency(code: "EUR", minorUnits: 2), Currency(code: "JPY", minorUnits: 0),
    Currency(code: "BHD", minorUnits: 3),
  ]
  /// Codes the encoded path does not read: longer than eight bytes, not ASCII.
  static let unusualCurrencies = [Currency(code: "ABCDEFGHIJ", minorUnits: 2), Currency(code: "€UR", minorUnits: 2)]
  static let segmentLocation = ArtifactLocation(part: "a-0000000009-1-9x1.part", offset: 123_456, length: 789)

  /// An id from a pool small enough to repeat, with non-ASCII ids among them.
  static func randomID(_ random: inout SeededRandom) -> String {
    switch random.next(below: 6) {
    case 0: "é-\(random.next(below: 40))"
    case 1: "e\u{301}-\(random.next(below: 40))"
    default: "evt-\(random.next(below: 120))"
    }
  }

  static func randomEvent(_ random: inout SeededRandom, line: Int) -> Event {
    let amount: Int64 =
      switch random.next(below: 12) {
      case 0: Int64.max - Int64(random.next(below: 3))
      case 1: 0
      default: Int64(random.next(below: 20_000)) - 10_000
      }
    return Event(
      id: randomID(&random), orderID: order, kind: EventKind.allCases[random.next(below: EventKind.allCases.count)],
      amount: amount, currency: currencies[random.next(below: currencies.count)], ts: "2026-11-27T10:00:00Z",
      entity: nil, memo: random.next(below: 3) == 0 ? "mémo" : nil, reason: nil, author: nil, extras: [],
      origin: EventOrigin(source: "web", file: "f.jsonl", line: line))
  }

  static func randomStored(_ random: inout SeededRandom) -> StoredSummary {
    var totals: [Currency: CurrencyTotals] = [:]
    for currency in currencies where random.next(below: 2) == 0 {
      totals[currency] =
        random.next(below: 4) == 0
        ? CurrencyTotals(balance: Int64.max - 5_000, debits: Int64.max - 5_000, credits: 0)
        : CurrencyTotals(balance: Int64(random.next(below: 1000)) - 500, debits: 300, credits: -200)
    }
    if random.next(below: 15) == 0 {
      totals[unusualCurrencies[random.next(below: unusualCurrencies.count)]] = CurrencyTotals(balance: 1, debits: 1)
    }
    if random.next(below: 12) == 0 {
      // USD with other minor units: with USD held as well (or added by the group), two totals
      // of one code, which no order tells apart.
      totals[Currency(code: "USD", minorUnits: 3)] = CurrencyTotals(balance: 2, debits: 2)
      if random.next(below: 2) == 0 { totals[Currency(code: "USD", minorUnits: 2)] = CurrencyTotals(balance: 3) }
    }
    let segments = (0..<random.next(below: 4)).map { n in
      SegmentRef(
        location: ArtifactLocation(
          part: n == 2 ? "a-é-\(n).part" : "a-000000000\(n)-0-\(n)x1.part", offset: Int64(random.next(below: 1 << 40)),
          length: Int32(random.next(below: 1 << 20))),
        lineCount: Int32(1 + random.next(below: 300)))
    }
    let held = random.next(below: 3) == 0 ? 17 + random.next(below: 40) : random.next(below: 17)
    let ids = SortedIDs((0..<held).map { _ in randomID(&random) })
    let lineCount =
      random.next(below: 10) == 0 ? StoredSummary.inlineIDLimit - random.next(below: 3) : ids.count
    return StoredSummary(
      summary: ArtifactSummary(
        orderID: order, version: UInt64(random.next(below: 1 << 20)), lineCount: lineCount, totals: totals),
      segments: segments, ids: random.next(below: 12) == 0 ? .external : .inline(ids))
  }

  /// What the decoding path writes for `group` folded onto `stored` (nil when nothing is accepted).
  static func decodingPath(_ stored: StoredSummary, _ group: EncodedGroup, version: UInt64) throws -> (
    outcome: EncodedFold.Outcome, record: [UInt8]?
  ) {
    guard case .inline(let held) = stored.ids else { throw Unexpected.externalIDs }
    let outcome = try #require(try EncodedFold().apply(group, to: stored.summary) { held.contains(bytes: $0) })
    guard !outcome.accepted.isEmpty else { return (outcome, nil) }
    let (next, _) = stored.appending(
      outcome.summary, newIDs: .spans(outcome.accepted.map(group.idSpan(at:)), payload: group.payload),
      version: version, segment: segmentLocation)
    return (outcome, ArtifactCodec.encode(next))
  }

  enum Unexpected: Error { case externalIDs }

  /// Why the encoded path must turn `stored` down, if it must.
  static func mustRefuse(_ stored: StoredSummary) -> Bool {
    guard case .inline = stored.ids else { return true }
    let codes = stored.summary.totals.keys.map(\.code)
    return Set(codes).count != codes.count
      || codes.contains { $0.utf8.count > 8 || $0.utf8.contains { $0 >= 0x80 } }
  }

  @Test(arguments: Array(1...300) as [UInt64])
  func writesWhatTheDecodingPathWrites(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let stored = Self.randomStored(&random)
    let payload = ArtifactCodec.encode(stored)
    let events = (0..<(1 + random.next(below: 12))).map { Self.randomEvent(&random, line: $0 + 1) }
    let group = try EncodedGroup(ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: events)))

    guard let base = EncodedSummary(payload, orderID: Self.order) else {
      #expect(Self.mustRefuse(stored), "refused a summary in the common case (seed \(seed))")
      return
    }
    #expect(!Self.mustRefuse(stored))
    guard case .inline(let held) = stored.ids else { return }
    #expect(base.lineCount == stored.summary.lineCount)
    for id in held.ids + (0..<20).map({ _ in Self.randomID(&random) }) {
      var bytes = id
      #expect(bytes.withUTF8 { base.contains($0) } == held.contains(id), "contains(\(id))")
    }

    let expected = try Self.decodingPath(stored, group, version: 99)
    var totals = base.totals
    let steps = try #require(EncodedFold().fold(group, totals: &totals, isKnown: base.contains))
    #expect(steps.accepted == expected.outcome.accepted)
    #expect(steps.duplicates == expected.outcome.duplicates)
    #expect(try EncodedFold.rejections(group, steps.rejected) == expected.outcome.rejected)
    guard let record = expected.record else { return }
    guard let kept = base.successorTotals(totals, accepted: steps.accepted.count) else {
      let codes = expected.outcome.summary.totals.keys.map(\.code)
      #expect(expected.outcome.summary.lineCount > StoredSummary.inlineIDLimit || Set(codes).count != codes.count)
      return
    }
    var writer = ByteWriter()
    base.writeSuccessor(
      of: group, totals: kept, accepted: steps.accepted, version: 99, segment: Self.segmentLocation, into: &writer)
    #expect(writer.bytes == record)
  }

  /// The random cases above reach every branch: refused records, ids searched by halves, new
  /// currencies, successors past the inline limit, and many records written.
  @Test func theRandomCasesReachEveryBranch() throws {
    var refused = 0
    var searched = 0
    var written = 0
    var pastLimit = 0
    var sharedCode = 0
    var newCurrency = 0
    for seed in 1...300 as ClosedRange<UInt64> {
      var random = SeededRandom(seed: seed)
      let stored = Self.randomStored(&random)
      let events = (0..<(1 + random.next(below: 12))).map { Self.randomEvent(&random, line: $0 + 1) }
      let group = try EncodedGroup(ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: events)))
      guard let base = EncodedSummary(ArtifactCodec.encode(stored), orderID: Self.order) else {
        refused += 1
        continue
      }
      if case .inline(let held) = stored.ids, held.count > 16 { searched += 1 }
      var totals = base.totals
      let steps = try #require(EncodedFold().fold(group, totals: &totals, isKnown: base.contains))
      if totals.count > base.totals.count { newCurrency += 1 }
      guard !steps.accepted.isEmpty else { continue }
      if base.successorTotals(totals, accepted: steps.accepted.count) != nil {
        written += 1
      } else if base.lineCount + steps.accepted.count > StoredSummary.inlineIDLimit {
        pastLimit += 1
      } else {
        sharedCode += 1
      }
    }
    #expect(refused >= 20)
    #expect(searched >= 40)
    #expect(written >= 150)
    #expect(pastLimit >= 5)
    #expect(sharedCode >= 3)
    #expect(newCurrency >= 50)
  }

  @Test func aNewArtifactStartsEmpty() throws {
    var random = SeededRandom(seed: 7)
    let event = Self.randomEvent(&random, line: 1)
    let group = try EncodedGroup(ArtifactCodec.encode(StatelessGroup(orderID: Self.order, events: [event])))
    let stored = StoredSummary(summary: ArtifactSummary(orderID: Self.order), segments: [], ids: .inline([]))
    let expected = try Self.decodingPath(stored, group, version: 5)
    let base = EncodedSummary()
    var totals = base.totals
    let steps = try #require(EncodedFold().fold(group, totals: &totals, isKnown: base.contains))
    let kept = try #require(base.successorTotals(totals, accepted: steps.accepted.count))
    var writer = ByteWriter()
    base.writeSuccessor(
      of: group, totals: kept, accepted: steps.accepted, version: 5, segment: Self.segmentLocation, into: &writer)
    #expect(writer.bytes == expected.record)
  }

  /// A record another writer could make, or a damaged one, is left to the decoding path, which
  /// accepts, re-sorts or refuses it as it always did.
  @Test func uncommonRecordsAreLeftToTheDecodingPath() throws {
    let stored = StoredSummary(
      summary: ArtifactSummary(
        orderID: Self.order, version: 3, lineCount: 2,
        totals: [Currency(code: "USD", minorUnits: 2): CurrencyTotals(balance: 5, debits: 5)]),
      segments: [SegmentRef(location: Self.segmentLocation, lineCount: 2)], ids: .inline(["a", "b"]))
    let payload = ArtifactCodec.encode(stored)
    #expect(EncodedSummary(payload, orderID: Self.order) != nil)
    #expect(EncodedSummary(payload, orderID: "other") == nil, "another order's record")
    #expect(EncodedSummary(payload + [0], orderID: Self.order) == nil, "a trailing byte")
    #expect(EncodedSummary(Array(payload.dropLast()), orderID: Self.order) == nil, "cut short")

    // The version (3) written as two bytes, 0x83 0x00: the same number, not its shortest form.
    let versionAt = 1 + Self.order.utf8.count
    #expect(payload[versionAt] == 3)
    var long = payload
    long.replaceSubrange(versionAt...versionAt, with: [0x83, 0x00])
    #expect(try ArtifactCodec.decodeSummary(long) == stored, "the decoding path reads it")
    #expect(EncodedSummary(long, orderID: Self.order) == nil)

    // Ids out of order ("b" before "a"): the decoding path sorts them.
    var unsorted = payload
    let ids = try #require(Self.find([1, 97, 1, 98], in: unsorted))
    unsorted.replaceSubrange(ids..<ids + 4, with: [1, 98, 1, 97])
    #expect(try ArtifactCodec.decodeSummary(unsorted) == stored)
    #expect(EncodedSummary(unsorted, orderID: Self.order) == nil)

    // An id that is not UTF-8: the decoding path refuses the record.
    var invalid = payload
    invalid[ids + 1] = 0xFF
    #expect(throws: StorageError.self) { try ArtifactCodec.decodeSummary(invalid) }
    #expect(EncodedSummary(invalid, orderID: Self.order) == nil)
  }

  static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    bytes.indices.first { bytes[$0...].starts(with: needle) }
  }
}
