/// The bytes one reduce range decodes.
public enum RangeExtent: Sendable, Equatable {
  /// The inputs of the job with ids `first...last`, each whole (verified against its SHA-256).
  case inputs(first: Int64, last: Int64)
  /// One segment of input `input` (verified against the segment's SHA-256).
  case segment(input: Int64, InputSegment)
}

/// How a job's reduce is cut into ranges, from its inputs (in job order): each segment of a
/// segmented input is a range of its own; consecutive inputs read whole are grouped into ranges
/// of up to `groupBytes` (one input larger than that is a range alone). The same inputs always
/// give the same plan on the same kind of store, so any ledger can plan a job again (an input
/// set aside).
///
/// Ranges pay where several processes share a job: a store that admits several engines groups
/// up to ``fleetGroupBytes`` (and its engines register big inputs as segments). An engine alone
/// already decodes a job's inputs on every core within one reduce task, and range parts would
/// only add a merge to prefetch and process (BENCHMARKS.md, stop 21): its store groups without
/// bound, so a job is one range unless its inputs were registered as segments.
public enum ReducePlan {
  /// Whole inputs are grouped into ranges of up to this many bytes on a fleet's store.
  public static let fleetGroupBytes: Int64 = 64 << 20

  /// How many bytes of whole inputs one range takes on a store that does or does not admit
  /// several engines.
  public static func groupBytes(admitsSeveralEngines: Bool) -> Int64 {
    admitsSeveralEngines ? fleetGroupBytes : .max
  }

  public static func ranges(_ inputs: [InputBatchRecord], groupBytes: Int64) -> [RangeExtent] {
    var out: [RangeExtent] = []
    var group: (first: Int64, last: Int64, bytes: Int64)?
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
      if let open = group, input.batch.bytes <= groupBytes - open.bytes {
        group = (open.first, input.id, open.bytes + input.batch.bytes)
      } else {
        closeGroup()
        group = (input.id, input.id, input.batch.bytes)
      }
    }
    closeGroup()
    return out.isEmpty ? [.inputs(first: 0, last: -1)] : out
  }
}
