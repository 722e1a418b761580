/// One line-aligned piece of a registered JSON Lines input, fingerprinted in the read that
/// registered the file: what a reduce range is planned from, and what the range task that
/// decodes it verifies (so every decoded byte is checked against the registration, whichever
/// process reads it and when).
public struct InputSegment: Codable, Sendable, Equatable {
  /// Where it starts in the file (0, or just after a newline).
  public var byteFrom: Int64
  /// Where it ends (just after a newline, or the end of the file).
  public var byteTo: Int64
  /// The physical line number of its first line (1-based, in the whole file).
  public var firstLine: Int64
  /// SHA-256 of its bytes (64 hex digits).
  public var sha256: String

  public init(byteFrom: Int64, byteTo: Int64, firstLine: Int64, sha256: String) {
    self.byteFrom = byteFrom
    self.byteTo = byteTo
    self.firstLine = firstLine
    self.sha256 = sha256
  }
}
