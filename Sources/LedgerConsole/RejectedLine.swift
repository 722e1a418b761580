/// One rejected input line as the console shows it: where it was, which rule it broke, why, and
/// the line's text.
public struct RejectedLine: Sendable, Equatable {
  public var file: String
  public var line: Int
  public var rule: String
  public var reason: String
  public var excerpt: String

  /// A rejected line.
  public init(file: String, line: Int, rule: String, reason: String, excerpt: String) {
    self.file = file
    self.line = line
    self.rule = rule
    self.reason = reason
    self.excerpt = excerpt
  }
}
