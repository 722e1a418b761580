import Testing

@testable import LedgerStorage

/// A job's inputs cut into reduce ranges: segments alone, whole inputs grouped up to a size.
struct ReducePlanTests {
  static func input(_ id: Int64, bytes: Int64, segments: Int = 0) -> InputBatchRecord {
    var batch = NewInputBatch(
      source: "web", name: "\(id).jsonl", from: id * 60, to: id * 60 + 60, bytes: bytes, archivePath: "a", scan: 1)
    batch.segments = (0..<segments).map {
      InputSegment(byteFrom: Int64($0) * 10, byteTo: Int64($0 + 1) * 10, firstLine: Int64($0) + 1, sha256: "\($0)")
    }
    return InputBatchRecord(id: id, batch: batch, registeredAt: 0, job: 1)
  }

  @Test func wholeInputsAreGroupedUpToTheSizeAndSegmentsStandAlone() {
    let plan = ReducePlan.ranges(
      [
        Self.input(1, bytes: 40), Self.input(2, bytes: 60), Self.input(3, bytes: 1),
        Self.input(4, bytes: 30, segments: 3),
        Self.input(5, bytes: 250), Self.input(6, bytes: 10),
      ], groupBytes: 100)
    #expect(plan.count == 7)
    #expect(plan[0] == .inputs(first: 1, last: 2))
    #expect(plan[1] == .inputs(first: 3, last: 3))
    #expect(
      plan[2...4].map { (extent: RangeExtent) -> Int64 in if case .segment(let input, _) = extent { input } else { -1 }
      } == [4, 4, 4])
    // An input larger than the size is a range alone.
    #expect(plan[5] == .inputs(first: 5, last: 5))
    #expect(plan[6] == .inputs(first: 6, last: 6))
    #expect(ReducePlan.ranges([Self.input(1, bytes: 40)], groupBytes: 100) == [.inputs(first: 1, last: 1)])
  }

  /// An engine alone groups without bound: without segments (it registers none), a job is one
  /// range however large; a fleet's store groups up to 64 MiB.
  @Test func aStoreForOneEngineGroupsWithoutBound() {
    let inputs = [Self.input(1, bytes: 40 << 20), Self.input(2, bytes: 600 << 20), Self.input(3, bytes: 1)]
    let alone = ReducePlan.groupBytes(admitsSeveralEngines: false)
    #expect(ReducePlan.ranges(inputs, groupBytes: alone) == [.inputs(first: 1, last: 3)])
    #expect(
      ReducePlan.ranges(inputs, groupBytes: ReducePlan.groupBytes(admitsSeveralEngines: true)) == [
        .inputs(first: 1, last: 1), .inputs(first: 2, last: 2), .inputs(first: 3, last: 3),
      ])
    #expect(ReducePlan.ranges([], groupBytes: alone) == [.inputs(first: 0, last: -1)])
  }
}
