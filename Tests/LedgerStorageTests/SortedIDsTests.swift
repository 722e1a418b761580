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
