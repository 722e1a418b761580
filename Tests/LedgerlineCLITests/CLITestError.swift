import Foundation

/// Why the harness around the binary could not do its job (not a failure of the binary).
enum CLITestError: Error, Sendable, CustomStringConvertible {
  case binaryNotFound(searched: [String])
  case hung(command: String, seconds: Double)
  case exitedEarly(String)
  case notJSON(command: String, line: String)
  case unexpectedJSON(command: String, field: String, line: String)

  var description: String {
    switch self {
    case .binaryNotFound(let searched):
      "the ledgerline binary was not found next to the test bundle; looked at: "
        + searched.joined(separator: ", ")
        + "; build it with `swift build` (the test target depends on it) and run `swift test`"
    case .hung(let command, let seconds):
      "`\(command)` was still running after \(Int(seconds)) s and was killed; the engine hangs"
    case .exitedEarly(let summary):
      "the background engine exited before it took the engine lock: \(summary)"
    case .notJSON(let command, let line):
      "`\(command)` printed a line that is not a JSON object: \"\(line.prefix(300))\""
    case .unexpectedJSON(let command, let field, let line):
      "`\(command)` printed JSON without the expected field \"\(field)\": \"\(line.prefix(300))\""
    }
  }
}
