/// The bytes one reduce range decodes.
public enum RangeExtent: Sendable, Equatable {
  /// The inputs of the job with ids `first...last`, each whole (verified against its SHA-256).
  case inputs(first: Int64, last: Int64)
  /// One segment of input `input` (verified against the segment's SHA-256).
  case segment(input: Int64, InputSegment)
}

/// How a job's reduce is cut into ranges, from its inputs (in job order). A job none of whose
/// inputs was registered as segments is one range, every input whole: its one reduce task
/// decodes them on every core of its process. Otherwise (a fleet's store segments big inputs,
/// ``InputSegment``) each segment is a range of its own, and consecutive inputs read whole are
/// grouped into ranges of up to `groupBytes` (one input larger than that is a range alone), so
/// the fleet's processes share the job. The same inputs always give the same plan, so any
/// ledger can plan a job again (an input set aside).
public enum ReducePlan {
  /// Whole inputs are grouped into ranges of up to this many bytes.
  public static let groupBytes: Int64 = 64 << 20

  public static func ranges(_ inputs: [InputBatchRecord], groupBytes: Int64 = groupBytes) -> [RangeExtent] {
    guard inputs.contains(where: { !$0.batch.segments.isEmpty }) else {
      return [.inputs(first: inputs.first?.id ?? 0, last: inputs.last?.id ?? -1)]
    }
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
      if let open = group, open.bytes + input.batch.bytes <= groupBytes {
        group = (open.first, input.id, open.bytes + input.batch.bytes)
      } else {
        closeGroup()
        group = (input.id, input.id, input.batch.bytes)
      }
    }
    closeGroup()
    return out
  }
}
