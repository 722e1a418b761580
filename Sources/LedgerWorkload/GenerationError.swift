/// Why ``WorkloadGenerator`` could not write a batch. Each message says what failed, quotes the
/// value and says what to do.
public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// An option cannot be generated: its name, the value given and what is expected.
  case invalidOption(name: String, value: String, expected: String)
  /// The batch file is already in the inbox (the same start and source were generated before).
  case batchFileExists(path: String)

  public var description: String {
    switch self {
    case .invalidOption(let name, let value, let expected):
      "generator option \(name) \"\(value)\" is invalid: expected \(expected); "
        + "fix the option and run again"
    case .batchFileExists(let path):
      "batch file \"\(path)\" already exists; writing it again would repeat a batch name, "
        + "so nothing was overwritten: use another start time or an empty inbox"
    }
  }
}
