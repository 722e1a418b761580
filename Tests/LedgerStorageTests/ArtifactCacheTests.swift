import LedgerDomain
import Testing

@testable import LedgerStorage

struct ArtifactCacheTests {
  static func location(_ part: String, _ offset: Int64, _ length: Int32 = 100) -> ArtifactLocation {
    ArtifactLocation(part: part, offset: offset, length: length)
  }

  static func summary(_ order: String) -> StoredSummary {
    StoredSummary(summary: ArtifactSummary(orderID: order), segments: [], ids: .inline([]))
  }

  @Test func evictsLeastRecentlyUsedToStayWithinBytes() {
    let cache = ArtifactCache(capacityBytes: 300)
    for index in 0..<3 { cache.put(Self.summary("o\(index)"), at: Self.location("p", Int64(index) * 100)) }
    #expect(cache.get(Self.location("p", 0)) == Self.summary("o0"))  // o1 is now the oldest
    cache.put(Self.summary("o3"), at: Self.location("p", 300), cost: 150)
    #expect(cache.get(Self.location("p", 100)) == nil)
    #expect(cache.get(Self.location("p", 200)) == nil)
    #expect(cache.get(Self.location("p", 0)) == Self.summary("o0"))
    #expect(cache.get(Self.location("p", 300)) == Self.summary("o3"))
    #expect(
      cache.stats
        == ArtifactCacheStats(hits: 3, misses: 2, evictions: 2, entries: 2, bytes: 250, capacity: 300))
  }

  @Test func entryLargerThanTheBudgetIsNotCached() {
    let cache = ArtifactCache(capacityBytes: 50)
    cache.put(Self.summary("big"), at: Self.location("p", 0, 51))
    #expect(cache.get(Self.location("p", 0, 51)) == nil)
    #expect(cache.stats.bytes == 0)
  }

  @Test func replacingAnEntryChargesItOnce() {
    let cache = ArtifactCache(capacityBytes: 1000)
    cache.put(Self.summary("a"), at: Self.location("p", 0))
    cache.put(Self.summary("b"), at: Self.location("p", 0))
    #expect(cache.stats.bytes == 100)
    #expect(cache.get(Self.location("p", 0)) == Self.summary("b"))
  }

  @Test func invalidatePartDropsOnlyThatPart() {
    let cache = ArtifactCache(capacityBytes: 1000)
    cache.put(Self.summary("a"), at: Self.location("p1", 0))
    cache.put(Self.summary("b"), at: Self.location("p2", 0))
    cache.put(Self.summary("c"), at: Self.location("p1", 100))
    cache.invalidate(part: "p1")
    #expect(cache.get(Self.location("p1", 0)) == nil)
    #expect(cache.get(Self.location("p1", 100)) == nil)
    #expect(cache.get(Self.location("p2", 0)) == Self.summary("b"))
    #expect(cache.stats.entries == 1)
    #expect(cache.stats.bytes == 100)
  }
}
