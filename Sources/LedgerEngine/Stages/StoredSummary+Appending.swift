import LedgerDomain
import LedgerStorage

extension StoredSummary {
  /// The next version of this artifact after a fold whose accepted lines were written as the
  /// segment at `segment`: the new totals stamped with `version`, the segment appended, and the id
  /// set grown. Also returns the event ids to record in the key index (every id when the artifact
  /// just outgrew its inline id set; the new ones when its ids were already external).
  package func appending(_ outcome: ArtifactFold.Outcome, version: UInt64, segment: ArtifactLocation)
    -> (next: StoredSummary, externalIDs: [String])
  {
    var next = outcome.summary
    next.version = version
    let newIDs = outcome.accepted.map(\.id)
    var newSet = ids
    var external: [String] = []
    switch ids {
    case .inline(let set) where next.lineCount > StoredSummary.inlineIDLimit:
      newSet = .external
      external = Array(set) + newIDs
    case .inline(let set):
      newSet = .inline(set.union(newIDs))
    case .external:
      external = newIDs
    }
    let stored = StoredSummary(
      summary: next, segments: segments + [SegmentRef(location: segment, lineCount: Int32(newIDs.count))],
      ids: newSet)
    return (stored, external)
  }
}
