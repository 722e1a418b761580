/// Where one framed record lives: a part file (path relative to the data directory's `parts/`),
/// the byte offset of the record's frame header, and the frame's total length in bytes.
public struct ArtifactLocation: Hashable, Sendable, CustomStringConvertible {
  public var part: String
  public var offset: Int64
  public var length: Int32

  public init(part: String, offset: Int64, length: Int32) {
    self.part = part
    self.offset = offset
    self.length = length
  }

  public var description: String { "\(part)@\(offset)+\(length)" }
}

/// A reference to one append-only segment of an artifact's lines.
public struct SegmentRef: Hashable, Sendable {
  public var location: ArtifactLocation
  /// Number of lines in the segment.
  public var lineCount: Int32

  public init(location: ArtifactLocation, lineCount: Int32) {
    self.location = location
    self.lineCount = lineCount
  }
}
