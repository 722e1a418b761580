/// The bytes one reduce range decodes.
public enum RangeExtent: Sendable, Equatable {
  /// The inputs of the job with ids `first...last`, each whole (verified against its SHA-256).
  case inputs(first: Int64, last: Int64)
  /// One segment of input `input` (verified against the segment's SHA-256).
  case segment(input: Int64, InputSegment)
}

/// How a job's reduce is cut into ranges, from its inputs (in job order): each segment of an
/// input registered as segments (``InputSegment``, `run --segment-bytes`) is a range of its own,
/// and consecutive inputs read whole form one range. A job none of whose inputs has segments is
/// therefore one range, as every job is by default: its one reduce task decodes its inputs on
/// every core of its process, and range parts would add a merge to prefetch and process that
/// costs more than sharing reduce gains on the hosts measured (BENCHMARKS.md, stop 21). The
/// same inputs always give the same plan, so any ledger can plan a job again (an input set
/// aside).
public enum ReducePlan {
  public static func ranges(_ inputs: [InputBatchRecord]) -> [RangeExtent] {
    var out: [RangeExtent] = []
    var group: (first: Int64, last: Int64)?
    func closeGroup() {
      if let open = group { out.append(.inputs(first: open.first, last: open.last)) }
      group = nil
    }
    for input in inputs {
      guard input.batch.segments.isEmpty else {
        closeGroup()
        out += input.batch.segments.map { .segment(input: input.id, $0) }
        continue
      }
      group = (group?.first ?? input.id, input.id)
    }
    closeGroup()
    return out.isEmpty ? [.inputs(first: 0, last: -1)] : out
  }
}
