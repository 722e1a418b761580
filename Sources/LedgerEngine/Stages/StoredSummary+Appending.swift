import LedgerDomain
import LedgerStorage

extension StoredSummary {
  /// The ids of the events one fold accepted, in the form the fold had them.
  package enum NewIDs {
    /// As strings, in arrival order.
    case strings([String])
    /// As the byte ranges `spans` (in arrival order) of a stateless group's `payload`.
    case spans([Range<Int>], payload: [UInt8])

    var count: Int {
      switch self {
      case .strings(let ids): ids.count
      case .spans(let spans, _): spans.count
      }
    }

    /// The ids as strings, in arrival order (what the key index records).
    var strings: [String] {
      switch self {
      case .strings(let ids): return ids
      case .spans(let spans, let payload):
        return payload.withUnsafeBufferPointer { bytes in
          spans.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
      }
    }
  }

  /// The next version of this artifact after a fold whose accepted lines were written as the
  /// segment at `segment`: the new totals stamped with `version`, the segment appended, and the id
  /// set grown. Also returns the event ids to record in the key index (every id when the artifact
  /// just outgrew its inline id set; the new ones when its ids were already external).
  package func appending(_ outcome: ArtifactFold.Outcome, version: UInt64, segment: ArtifactLocation)
    -> (next: StoredSummary, externalIDs: [String])
  {
    appending(outcome.summary, newIDs: .strings(outcome.accepted.map(\.id)), version: version, segment: segment)
  }

  /// `appending(_:version:segment:)` for a fold that produced `summary` and accepted the events
  /// whose ids are `newIDs` (none already held).
  package func appending(
    _ summary: ArtifactSummary, newIDs: NewIDs, version: UInt64, segment: ArtifactLocation
  ) -> (next: StoredSummary, externalIDs: [String]) {
    var next = summary
    next.version = version
    var newSet = ids
    var external: [String] = []
    switch ids {
    case .inline(let set) where next.lineCount > StoredSummary.inlineIDLimit:
      newSet = .external
      external = Array(set) + newIDs.strings
    case .inline(let set):
      switch newIDs {
      case .strings(let strings): newSet = .inline(set.union(strings))
      case .spans(let spans, let payload): newSet = .inline(set.union(spans: spans, of: payload))
      }
    case .external:
      external = newIDs.strings
    }
    var newSegments = segments
    newSegments.append(SegmentRef(location: segment, lineCount: Int32(newIDs.count)))
    return (StoredSummary(summary: next, segments: newSegments, ids: newSet), external)
  }
}
