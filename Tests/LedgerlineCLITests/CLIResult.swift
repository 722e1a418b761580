import Foundation

/// How one run of the binary ended and what it printed.
struct CLIResult: Sendable {
  /// The command line, for messages.
  var command: String
  /// The exit status, or the signal number when `killedBySignal`.
  var status: Int32
  var killedBySignal: Bool
  var stdout: String
  var stderr: String
  /// Wall time from spawn to observed exit (reported, never asserted).
  var seconds: Double

  /// True when the process exited by itself with `code`.
  func exited(_ code: Int32) -> Bool {
    !killedBySignal && status == code
  }

  /// Non-empty stdout lines.
  var stdoutLines: [String] {
    stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
  }

  /// A one-line summary for expectation messages.
  var summary: String {
    let how = killedBySignal ? "killed by signal \(status)" : "exit \(status)"
    return "`\(command)` → \(how); stderr: \"\(stderr.prefix(600))\""
  }
}
