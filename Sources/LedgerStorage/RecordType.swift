/// What a framed record in a part file holds (byte 5 of the frame header).
public enum RecordType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  /// The reduced events of one order from one stateless batch.
  case statelessGroup = 1
  /// An append-only segment of an artifact's lines.
  case lineSegment = 2
  /// An artifact's summary (totals, counts, version, segment list, id set).
  case artifactSummary = 3
  /// One key-index entry written alongside the artifacts, for rebuilding the index.
  case indexManifestEntry = 4
  /// In a manifest: the bytes of older summaries the partition's new versions supersede.
  case supersededBytes = 5
  /// The first record of a part file: the id of the store it was written for (SPEC §5), so a
  /// part copied in from another data directory is refused, never read as this store's.
  case storeStamp = 6

  public var description: String {
    switch self {
    case .statelessGroup: return "stateless group"
    case .lineSegment: return "line segment"
    case .artifactSummary: return "artifact summary"
    case .indexManifestEntry: return "index manifest entry"
    case .supersededBytes: return "superseded bytes"
    case .storeStamp: return "store stamp"
    }
  }
}
