import LedgerDomain

/// How an artifact remembers which event ids it already holds (for idempotency).
public enum EventIDSet: Sendable, Equatable {
  /// Small artifacts keep every id inline in the summary record.
  case inline(SortedIDs)
  /// Large artifacts keep their ids in the key index's event-id table (`KeyIndex.knownEventIDs`).
  case external
}

/// The summary record of one artifact version as stored: the domain summary, the ordered list of
/// its line segments, and its id set.
public struct StoredSummary: Sendable, Equatable {
  public var summary: ArtifactSummary
  /// Line segments, oldest first; concatenated they are the artifact's lines in arrival order.
  public var segments: [SegmentRef]
  public var ids: EventIDSet

  /// Above this many lines an artifact's ids move from the summary to the key index.
  public static let inlineIDLimit = 1024

  public init(summary: ArtifactSummary, segments: [SegmentRef], ids: EventIDSet) {
    self.summary = summary
    self.segments = segments
    self.ids = ids
  }
}
