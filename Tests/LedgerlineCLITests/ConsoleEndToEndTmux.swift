import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A private tmux server (its own socket, no user config) holding one session whose pane runs
/// an interactive shell, as an operator's terminal would. Keys go in with `send-keys`; the screen
/// comes back with `capture-pane`. The server is killed when this value goes away.
final class ConsoleEndToEndTmux {
  /// The session (and pane) name.
  static let session = "console"
  /// The shell prompt in the pane.
  static let prompt = "e2e$ "

  private let tmux: String
  /// The server's own directory (socket, spawn output): outside the test's scratch directory,
  /// so the server can still be reached and killed while the scratch directory goes away.
  private let directory: String
  private let socket: String
  private let environment: [String: String]

  /// Starts a detached `columns`×`rows` session running `sh` in `workingDirectory`. Throws when
  /// tmux is not installed: the caller's test fails with that message rather than passing
  /// untested.
  init(workingDirectory: String, columns: Int, rows: Int) throws {
    let inherited = ProcessInfo.processInfo.environment
    let path = inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    guard let tmux = ConsoleEndToEndSpawn.locate("tmux", path: path) else {
      throw ConsoleEndToEndError.tmuxMissing(path: path)
    }
    self.tmux = tmux
    directory = try Self.makePrivateDirectory()
    socket = "\(directory)/tmux.sock"
    // No NO_COLOR (swift test sets it): the console runs with colours as a user would see it.
    environment = [
      "PATH": path, "HOME": inherited["HOME"] ?? directory, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
      "TERM": "xterm-256color",
    ]
    try run([
      "new-session", "-d", "-s", Self.session, "-x", "\(columns)", "-y", "\(rows)", "-c",
      workingDirectory, "env PS1='\(Self.prompt)' /bin/sh",
    ])
    try run(["set-option", "-t", Self.session, "remain-on-exit", "on"])
  }

  /// Kills the server (its panes get SIGHUP, so a console still running exits too) and removes
  /// its directory.
  deinit {
    _ = try? ConsoleEndToEndSpawn.run(
      tmux, ["-S", socket, "kill-server"], environment: environment, scratch: directory, timeout: 5)
    try? FileManager.default.removeItem(atPath: directory)
  }

  private static func makePrivateDirectory() throws -> String {
    var template = Array("/tmp/ll-e2e-tmux-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.flatMap { mkdtemp($0) }
    }
    guard let made else { throw ConsoleEndToEndError.spawnFailed(executable: "mkdtemp", errno: errno) }
    return String(cString: made)
  }

  /// Runs one tmux command against this server; throws unless it exits 0.
  @discardableResult
  func run(_ arguments: [String]) throws -> String {
    let all = ["-u", "-f", "/dev/null", "-S", socket] + arguments
    let output = try ConsoleEndToEndSpawn.run(tmux, all, environment: environment, scratch: directory)
    guard output.status == 0 else {
      throw ConsoleEndToEndError.toolFailed(
        command: "tmux " + all.joined(separator: " "), status: output.status, stderr: output.stderr)
    }
    return output.stdout
  }

  /// Types `text` literally (no key names).
  func type(_ text: String) throws {
    try run(["send-keys", "-t", Self.session, "-l", "--", text])
  }

  /// Presses keys by tmux name (`Enter`, `Escape`, `Tab`, `BSpace`, `j`).
  func press(_ keys: String...) throws {
    try run(["send-keys", "-t", Self.session] + keys)
  }

  /// Types `line` at the shell prompt and presses Enter.
  func enterCommand(_ line: String) throws {
    try type(line)
    try press("Enter")
  }

  /// The visible pane.
  func capture() throws -> ConsoleEndToEndPane {
    ConsoleEndToEndPane(try run(["capture-pane", "-p", "-t", Self.session]))
  }

  /// A tmux format value of the pane, e.g. `#{alternate_on}`.
  func format(_ format: String) throws -> String {
    try run(["display-message", "-p", "-t", Self.session, format])
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Resizes the window, as a user dragging the terminal would.
  func resize(columns: Int, rows: Int) throws {
    try run(["resize-window", "-t", Self.session, "-x", "\(columns)", "-y", "\(rows)"])
  }

  /// Polls the pane every 100 ms until `probe` returns a value, or throws after `timeout`
  /// seconds with the last captured pane in the message.
  @discardableResult
  func waitFor<T>(
    _ what: String, timeout: Double = 15, _ probe: (ConsoleEndToEndPane) throws -> T?
  ) throws -> T {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    var pane = try capture()
    while true {
      if let value = try probe(pane) { return value }
      if ContinuousClock.now >= deadline {
        let error = ConsoleEndToEndError.timedOut(waitingFor: what, seconds: timeout, pane: pane.text)
        // Printed as well: the test reporter does not always show a long error message.
        print("[console-e2e] \(error)")
        throw error
      }
      usleep(100_000)
      pane = try capture()
    }
  }

  /// Waits until the pane shows `text`.
  @discardableResult
  func waitFor(text: String, timeout: Double = 15) throws -> ConsoleEndToEndPane {
    try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) ? $0 : nil }
  }
}
