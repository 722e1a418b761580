import LedgerDomain
import LedgerStorage
import Testing

/// The inline id set of a summary: a sorted array that must behave exactly as a set of byte
/// strings.
@Suite struct SortedIDsTests {
  @Test func buildsSortedByBytesWithoutRepeats() {
    let ids = SortedIDs(["b", "a", "c", "a", "é", "e\u{301}"])
    // By UTF-8 bytes: "é" (C3 A9) and "e\u{301}" (65 CC 81) are different ids.
    #expect(ids.ids == ["a", "b", "c", "e\u{301}", "é"])
    #expect(ids.count == 5)
    #expect(ids.contains("é") && ids.contains("e\u{301}") && !ids.contains("d"))
    #expect(SortedIDs(sortedUnique: ["b", "a"]) == nil)
    #expect(SortedIDs(sortedUnique: ["a", "a"]) == nil)
    #expect(SortedIDs(sortedUnique: ["a", "b"])?.ids == ["a", "b"])
  }

  /// Random sets and unions agree with `Set<String>` (membership, union, order).
  @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
  func behavesAsASetOfByteStrings(seed: UInt64) {
    var random = SeededRandom(seed: seed)
    func randomID() -> String { "id-\(random.next() % 200)" + (random.next() % 5 == 0 ? "é" : "") }
    var reference = Set<String>()
    var ids = SortedIDs()
    for _ in 0..<50 {
      let batch = (0..<Int(random.next() % 12)).map { _ in randomID() }
      reference.formUnion(batch)
      ids = ids.union(batch)
      #expect(ids.asSet == reference)
      #expect(ids.ids == reference.sorted(by: KeyOrder.precedes))
      for probe in (0..<20).map({ _ in randomID() }) {
        #expect(ids.contains(probe) == reference.contains(probe), "\(probe)")
      }
    }
  }

  @Test func aSummaryRoundTripsItsIdsInOrderAndAnUnsortedRecordIsSorted() throws {
    let location = ArtifactLocation(part: "a-1-0.part", offset: 0, length: 10)
    let stored = StoredSummary(
      summary: ArtifactSummary(orderID: "o1"), segments: [], ids: .inline(["z", "a", "m"]))
    let decoded = try ArtifactCodec.decodeSummary(ArtifactCodec.encode(stored), at: location)
    #expect(decoded.ids == .inline(SortedIDs(["a", "m", "z"])))
    if case .inline(let ids) = decoded.ids { #expect(ids.ids == ["a", "m", "z"]) }
  }
}

/// The packed form: what the summary record holds, merged from payload bytes.
@Suite struct SortedIDsPackingTests {
  /// Packed ids are exactly the record's bytes: each id as `ByteWriter.writeString` writes it.
  @Test func packsAsTheRecordWritesEachID() {
    let long = String(repeating: "x", count: 300)
    let ids = SortedIDs(["b", "a", "é", "e\u{301}", long, ""])
    var writer = ByteWriter()
    for id in ["", "a", "b", "e\u{301}", long, "é"] { writer.writeString(id) }
    #expect(ids.packed == writer.bytes)
    #expect(ids.ids == ["", "a", "b", "e\u{301}", long, "é"])
  }

  /// Adding ids by their byte ranges in a payload is adding them as strings.
  @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
  func unionBySpansAgreesWithUnionOfStrings(seed: UInt64) {
    var random = SeededRandom(seed: seed)
    func randomID() -> String { "id-\(random.next(below: 60))" + (random.next(below: 4) == 0 ? "é" : "e\u{301}") }
    var ids = SortedIDs()
    for _ in 0..<30 {
      let batch = (0..<random.next(below: 24)).map { _ in randomID() }
      var payload: [UInt8] = [7]
      var spans: [Range<Int>] = []
      for id in batch {
        payload += [9, 9]
        spans.append(payload.count..<payload.count + id.utf8.count)
        payload += Array(id.utf8)
      }
      let expected = ids.union(batch)
      ids = ids.union(spans: spans, of: payload)
      #expect(ids == expected)
      #expect(ids.ids == expected.ids)
      #expect(SortedIDs(spans: spans, of: payload) == SortedIDs(batch))
    }
  }

  @Test func theBuilderRefusesIDsThatDoNotAscend() {
    var builder = SortedIDs.Builder(capacity: 2, bytes: 4)
    for id in ["a", "c", "b"] { Array(id.utf8).withUnsafeBufferPointer { builder.append($0) } }
    #expect(builder.finish() == nil)
    var repeated = SortedIDs.Builder(capacity: 2, bytes: 4)
    for id in ["a", "a"] { Array(id.utf8).withUnsafeBufferPointer { repeated.append($0) } }
    #expect(repeated.finish() == nil)
  }
}
