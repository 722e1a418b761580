import LedgerDomain
import LedgerStorage
import Testing

@testable import LedgerEngine

/// The overlay's per-partition runs: appended in key order by process, found by binary search.
struct InFlightOverlayRunTests {
  static func encoded(_ offset: Int64, version: UInt64 = 3) -> InFlightOverlay.Encoded {
    InFlightOverlay.Encoded(
      payload: nil, location: ArtifactLocation(part: "a.part", offset: offset, length: 40), version: version,
      pendingExternalIDs: [])
  }

  @Test func keysAppendedInOrderAreFoundAndOthersAreNot() {
    var run = InFlightOverlay.Run()
    for (n, key) in ["A", "B", "O-1", "O-10", "O-2", "é"].enumerated() { run.append(key, Self.encoded(Int64(n))) }
    run.finish()
    #expect(run.count == 6)
    #expect(run.find("O-10")?.location.offset == 3)
    #expect(run.find("é")?.location.offset == 5)
    for missing in ["", "0", "O-", "O-3", "Z", "ê"] { #expect(run.find(missing) == nil, "\(missing)") }
  }

  /// A run tagged with its partition is skipped by lookups of other partitions' keys, and a key
  /// appended from another partition drops the tag, so it is still found.
  @Test func aPartitionTaggedRunFindsItsKeysAndDropsAWrongTag() throws {
    let keys = (0..<40).map { "ord-\($0)" }
    let tag = InFlightOverlay.PartitionTag(index: 1, count: 4)
    var own = InFlightOverlay.Run(partition: tag)
    for key in keys.sorted(by: KeyOrder.precedes) where KeyPartition.of(key, partitions: 4) == 1 {
      own.append(key, Self.encoded(7, version: 5))
    }
    #expect(own.partition == tag && own.count > 0)
    let stranger = try #require(keys.first { KeyPartition.of($0, partitions: 4) != 1 })
    var mixed = InFlightOverlay.Run(partition: tag)
    mixed.append(stranger, Self.encoded(9, version: 6))
    #expect(mixed.partition == nil)
    let overlay = InFlightOverlay()
    overlay.record(runs: [own], version: 5)
    overlay.record(runs: [mixed], version: 6)
    let snapshot = overlay.snapshot()
    for key in keys {
      let expected: Int64? =
        key == stranger ? 9 : KeyPartition.of(key, partitions: 4) == 1 ? 7 : nil
      #expect(snapshot.newest(key)?.location.offset == expected, "\(key)")
    }
  }

  /// Keys appended out of order (a run rebuilt from a dictionary) are sorted by `finish()`; of a
  /// key appended twice, the later entry wins.
  @Test func outOfOrderKeysAreSortedAndTheLaterDuplicateWins() {
    var run = InFlightOverlay.Run()
    run.append("K", Self.encoded(1))
    run.append("C", Self.encoded(2))
    run.append("K", Self.encoded(3))
    run.append("A", Self.encoded(4))
    run.finish()
    #expect(run.count == 3)
    #expect(run.find("K")?.location.offset == 3)
    #expect(run.find("A")?.location.offset == 4)
    #expect(InFlightOverlay.Run(["x": Self.encoded(7), "b": Self.encoded(8)]).find("x")?.location.offset == 7)
  }

  /// Order ids are bytes: a precomposed and a decomposed "é" are two orders, never each other's
  /// in-flight version, whether appended in order or rebuilt from a map.
  @Test func canonicallyEquivalentOrderIdsAreTwoKeys() {
    let precomposed = "o-\u{E9}"
    let decomposed = "o-e\u{301}"
    var only = InFlightOverlay.Run()
    only.append(precomposed, Self.encoded(1))
    only.finish()
    #expect(only.find(decomposed) == nil)
    #expect(only.find(precomposed)?.location.offset == 1)
    let both = InFlightOverlay.Run([ExactID(precomposed): Self.encoded(1), ExactID(decomposed): Self.encoded(2)])
    #expect(both.count == 2)
    #expect(both.find(precomposed)?.location.offset == 1)
    #expect(both.find(decomposed)?.location.offset == 2)
  }

  /// A job recorded again (its outputs rewritten by a re-run) shadows its earlier recording, and a
  /// newer job shadows an older one.
  @Test func laterRecordingsShadowEarlierOnes() {
    let overlay = InFlightOverlay()
    var first = InFlightOverlay.Run()
    first.append("K", Self.encoded(1, version: 3))
    overlay.record(runs: [first], version: 3)
    var rerun = InFlightOverlay.Run()
    rerun.append("K", Self.encoded(2, version: 3))
    overlay.record(runs: [rerun], version: 3)
    #expect(overlay.snapshot().newest("K")?.location.offset == 2)
    var newer = InFlightOverlay.Run()
    newer.append("K", Self.encoded(5, version: 4))
    overlay.record(runs: [newer], version: 4)
    let snapshot = overlay.snapshot()
    #expect(snapshot.newest("K")?.version == 4)
    overlay.evict(through: 4)
    #expect(snapshot.newest("K")?.version == 4)  // a snapshot keeps what it saw
    #expect(overlay.snapshot().newest("K") == nil)
  }
}
