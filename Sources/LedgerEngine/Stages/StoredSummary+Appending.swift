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
    appending(
      outcome.summary, newIDs: outcome.accepted.map(\.id), sortedNewIDs: nil, version: version, segment: segment)
  }

  /// `appending(_:version:segment:)` for a fold that produced `summary` and accepted `newIDs`
  /// (arrival order, no repeats, none already held); `sortedNewIDs`, when given, is the same ids
  /// as a `SortedIDs` (so the inline set merges without sorting them again).
  package func appending(
    _ summary: ArtifactSummary, newIDs: [String], sortedNewIDs: SortedIDs?, version: UInt64,
    segment: ArtifactLocation
  ) -> (next: StoredSummary, externalIDs: [String]) {
    var next = summary
    next.version = version
    var newSet = ids
    var external: [String] = []
    switch ids {
    case .inline(let set) where next.lineCount > StoredSummary.inlineIDLimit:
      newSet = .external
      external = Array(set) + newIDs
    case .inline(let set):
      newSet = .inline(set.union(sortedNewIDs ?? SortedIDs(newIDs)))
    case .external:
      external = newIDs
    }
    var newSegments = segments
    newSegments.append(SegmentRef(location: segment, lineCount: Int32(newIDs.count)))
    return (StoredSummary(summary: next, segments: newSegments, ids: newSet), external)
  }
}
