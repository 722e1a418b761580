/// Where an event line came from: the evidence behind every artifact line.
public struct EventOrigin: Hashable, Sendable, CustomStringConvertible {
  /// The feeding business entity (`inbox/<source>/`).
  public var source: String
  /// The input batch file name, e.g. `20261127T100000Z_20261127T101500Z.jsonl`.
  public var file: String
  /// The 1-based physical line number in that file.
  public var line: Int

  public init(source: String, file: String, line: Int) {
    self.source = source
    self.file = file
    self.line = line
  }

  public var description: String { "\(source)/\(file):\(line)" }
}
