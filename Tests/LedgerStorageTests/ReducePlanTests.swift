import Testing

@testable import LedgerStorage

/// A job's inputs cut into reduce ranges: each segment a range, consecutive whole inputs one.
struct ReducePlanTests {
  static func input(_ id: Int64, bytes: Int64, segments: Int = 0) -> InputBatchRecord {
    var batch = NewInputBatch(
      source: "web", name: "\(id).jsonl", from: id * 60, to: id * 60 + 60, bytes: bytes, archivePath: "a", scan: 1)
    batch.segments = (0..<segments).map {
      InputSegment(byteFrom: Int64($0) * 10, byteTo: Int64($0 + 1) * 10, firstLine: Int64($0) + 1, sha256: "\($0)")
    }
    return InputBatchRecord(id: id, batch: batch, registeredAt: 0, job: 1)
  }

  @Test func segmentsStandAloneAndConsecutiveWholeInputsAreOneRange() {
    let plan = ReducePlan.ranges([
      Self.input(1, bytes: 40), Self.input(2, bytes: 60 << 30), Self.input(3, bytes: 1),
      Self.input(4, bytes: 30, segments: 3),
      Self.input(5, bytes: 250), Self.input(6, bytes: 10),
      Self.input(7, bytes: 20, segments: 2),
    ])
    #expect(plan.count == 7)
    #expect(plan[0] == .inputs(first: 1, last: 3))
    let segmentInputs = [plan[1], plan[2], plan[3], plan[5], plan[6]].map { (extent: RangeExtent) -> Int64 in
      if case .segment(let input, let segment) = extent { input * 100 + segment.firstLine } else { -1 }
    }
    #expect(segmentInputs == [401, 402, 403, 701, 702])
    #expect(plan[4] == .inputs(first: 5, last: 6))
  }

  /// Without segments (none are registered unless a run asks, `run --segment-bytes`), a job is
  /// one range however large.
  @Test func aJobWithoutSegmentsIsOneRange() {
    #expect(
      ReducePlan.ranges([Self.input(1, bytes: 40 << 20), Self.input(2, bytes: 600 << 20), Self.input(3, bytes: 1)])
        == [.inputs(first: 1, last: 3)])
    #expect(ReducePlan.ranges([Self.input(1, bytes: 40)]) == [.inputs(first: 1, last: 1)])
    #expect(ReducePlan.ranges([]) == [.inputs(first: 0, last: -1)])
  }
}
