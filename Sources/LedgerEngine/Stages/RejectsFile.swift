import LedgerDomain
import LedgerSystem

/// `rejects/<job>.jsonl`: every rejected line of a job, with file, line, rule and reason.
public enum RejectsFile {
  /// One rejected line as written to the file.
  public struct Record: Codable, Sendable, Equatable {
    public var source: String
    public var file: String
    public var line: Int
    public var rule: String
    public var reason: String
    public var excerpt: String

    /// The record of `rejection`.
    public init(_ rejection: Rejection) {
      source = rejection.origin.source
      file = rejection.origin.file
      line = rejection.origin.line
      rule = rejection.reason.rule
      reason = rejection.reason.description
      excerpt = rejection.excerpt
    }
  }

  /// Writes `rejections` to `path` atomically (a re-run replaces the file, never appends).
  static func write(_ rejections: [Rejection], to path: String) throws {
    var text = ""
    for rejection in rejections {
      text += try JSONOutput.line(Record(rejection))
      text += "\n"
    }
    try FileSystem.writeAtomically(Array(text.utf8), to: path)
  }
}
