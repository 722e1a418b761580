/// Why a console end-to-end step could not be done or did not see what it waited for. Every
/// message that involves the screen carries the captured pane, so a failure shows what was on it.
enum ConsoleEndToEndError: Error, Sendable, CustomStringConvertible {
  case tmuxMissing(path: String)
  case spawnFailed(executable: String, errno: Int32)
  case toolFailed(command: String, status: Int32, stderr: String)
  case toolHung(command: String, seconds: Double)
  case timedOut(waitingFor: String, seconds: Double, pane: String)
  case unexpectedScreen(String, pane: String)

  var description: String {
    switch self {
    case .tmuxMissing(let path):
      "tmux is not installed: no executable \"tmux\" in PATH \"\(path)\"; the console end-to-end "
        + "tests need it (apt-get install tmux, or brew install tmux) and fail rather than skip without it"
    case .spawnFailed(let executable, let errno):
      "posix_spawn of \"\(executable)\" failed with errno \(errno); check that it exists and is executable"
    case .toolFailed(let command, let status, let stderr):
      "`\(command)` exited with status \(status); stderr: \"\(stderr.prefix(600))\""
    case .toolHung(let command, let seconds):
      "`\(command)` did not finish within \(seconds) s and was killed"
    case .timedOut(let what, let seconds, let pane):
      "waited \(seconds) s for \(what), but it did not appear; the pane showed:\n\(pane)"
    case .unexpectedScreen(let what, let pane):
      "\(what); the pane showed:\n\(pane)"
    }
  }
}
