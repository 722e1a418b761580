import Foundation

/// A spawned `ledgerline` process whose output goes to files (no pipe can fill up and block it).
final class RunningCommand {
  let process: Process
  let command: String
  private let stdoutPath: String
  private let stderrPath: String
  private let startedAt: ContinuousClock.Instant

  init(process: Process, command: String, stdoutPath: String, stderrPath: String) throws {
    self.process = process
    self.command = command
    self.stdoutPath = stdoutPath
    self.stderrPath = stderrPath
    startedAt = .now
    try process.run()
  }

  /// The child's pid.
  var pid: Int32 { process.processIdentifier }

  /// Seconds since spawn.
  var elapsed: Double { (ContinuousClock.now - startedAt).seconds }

  /// Waits until the process exits or `seconds` pass; true if it exited.
  func waitForExit(upTo seconds: Double) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while process.isRunning {
      if ContinuousClock.now >= deadline { return false }
      usleep(1_000)
    }
    return true
  }

  /// Sends `signal` to the child (only while it runs: its pid is never reused before it is reaped).
  func send(_ signal: Int32) {
    if process.isRunning { kill(pid, signal) }
  }

  /// Waits for the exit (killing the child if it hangs past `timeout`) and collects its output.
  func finish(timeout: Double = 300) throws -> CLIResult {
    if !waitForExit(upTo: timeout) {
      send(SIGKILL)
      process.waitUntilExit()
      throw CLITestError.hung(command: command, seconds: timeout)
    }
    process.waitUntilExit()
    let seconds = elapsed
    return CLIResult(
      command: command, status: process.terminationStatus,
      killedBySignal: process.terminationReason == .uncaughtSignal,
      stdout: Self.read(stdoutPath), stderr: Self.read(stderrPath), seconds: seconds)
  }

  private static func read(_ path: String) -> String {
    let data = FileManager.default.contents(atPath: path) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}

extension Duration {
  /// The duration in seconds, as a Double (for reports only).
  var seconds: Double {
    let (s, attos) = components
    return Double(s) + Double(attos) / 1e18
  }
}
