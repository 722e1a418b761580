import Foundation
import Testing

/// `ledgerline demo` typed at a shell prompt in a tmux pane, on a fresh data dir, with batch 2
/// failing permanently once; plus the operator moves the console tests share.
final class ConsoleEndToEndDemo {
  /// Batch 2's process stage fails permanently once; an operator retry then succeeds.
  static let faults = "process:job=2:permanent"

  let scratch: ScratchDirectory
  let data: String
  let tmux: ConsoleEndToEndTmux

  /// Starts the demo in a `columns`×`rows` pane and waits for the line view.
  /// `environment` prefixes the command (e.g. `LANG=C LC_ALL=C`).
  init(_ label: String, columns: Int = 140, rows: Int = 40, environment: String = "") throws {
    scratch = try ScratchDirectory(label)
    data = "\(scratch.path)/data"
    tmux = try ConsoleEndToEndTmux(workingDirectory: scratch.path, columns: columns, rows: rows)
    try tmux.waitFor("the shell prompt") { $0.hasLine("e2e$") ? true : nil }
    try tmux.enterCommand(
      "\(environment) TERM=xterm-256color '\(scratch.binary.path)' demo --data '\(data)' --interval 1 --inject-faults \(Self.faults);"
        + " echo \"exit=$?\"")
    try tmux.waitFor("the line view's column header", timeout: 30) { $0.columnHeader }
  }

  /// Waits until batch 1 is done and batch 2 has failed; returns the job states then.
  @discardableResult
  func waitForFirstBatches() throws -> [UInt64: String] {
    try tmux.waitFor("batch #1 done and batch #2 failed", timeout: 40) { pane in
      let states = pane.jobStates
      return states[1] == "done" && states[2] == "failed" ? states : nil
    }
  }

  /// Selects batch `job` in the line view with `g` (first row) and `j` (down). Waits first for a
  /// batch after it: reaching the newest row resumes following, so a selection that lands on
  /// the newest row moves on with the next batch the demo makes.
  func select(job: UInt64) throws {
    try tmux.waitFor("a batch after #\(job)", timeout: 40) { pane in
      (pane.jobStates.keys.max() ?? 0) > job ? true : nil
    }
    try tmux.press("g")
    try tmux.waitFor("batch #1 selected after g") { $0.selectedJob == 1 ? true : nil }
    for _ in 1..<job { try tmux.press("j") }
    try tmux.waitFor("batch #\(job) selected") { $0.selectedJob == job ? true : nil }
  }

  /// Waits for the batch detail of `job` with its overall state word `state`.
  @discardableResult
  func waitForDetail(of job: UInt64, state: String, timeout: Double = 15) throws -> ConsoleEndToEndPane {
    try tmux.waitFor("the detail of batch #\(job) saying \"\(state)\"", timeout: timeout) { pane in
      guard let title = pane.lines.first, title.hasPrefix(" Batch #\(job) "), title.hasSuffix(" \(state)")
      else { return nil }
      return pane
    }
  }

  /// Retries failed batch 2: back to the line view (Esc), select it, Enter, `r`; first Enter on the dialog
  /// (Cancel is the default) changes nothing; `r`, Tab, Enter retries; waits until it is done.
  func retryBatchTwo() throws {
    try tmux.press("Escape")
    try tmux.waitFor("the line view") { $0.columnHeader }
    try select(job: 2)
    try tmux.press("Enter")
    try waitForDetail(of: 2, state: "failed")
    try tmux.press("r")
    try tmux.waitFor(text: "[ Cancel ]  [ Retry ]")
    try tmux.press("Enter")
    try tmux.waitFor("the retry dialog cancelled") { pane in
      pane.contains("cancelled: nothing was changed") && !pane.contains("Retry batch #2?") ? true : nil
    }
    try waitForDetail(of: 2, state: "failed")
    try tmux.press("r")
    try tmux.waitFor(text: "Retry batch #2?")
    try tmux.press("Tab")
    try tmux.press("Enter")
    try waitForDetail(of: 2, state: "done", timeout: 45)
    try tmux.press("Escape")
    try tmux.waitFor("the line view after Esc") { $0.columnHeader }
  }

  /// `ledgerline lookup ORDER --json` on the demo's data dir, beside the running engine.
  func lookupJSON(_ order: String) throws -> JSONLine {
    let result = try scratch.binary.run(["lookup", "--data", data, order, "--json"], timeout: 30)
    try #require(result.exited(0), "\(result.summary)")
    return try JSONLine(result.stdout, command: result.command)
  }

  /// Runs a read command that prints JSON lines, beside the running engine.
  func readJSONLines(_ arguments: [String]) throws -> [JSONLine] {
    let result = try scratch.binary.run(arguments + ["--data", data, "--json"], timeout: 30)
    try #require(result.exited(0), "\(result.summary)")
    return try result.stdoutLines.map { try JSONLine($0, command: result.command) }
  }

  /// Quits with `q` and checks the terminal is the shell's again: exit status 0, the normal
  /// screen (no alternate-screen leftovers), the cursor shown, and the tty back in canonical
  /// mode with echo.
  func quitAndExpectTheTerminalRestored() throws {
    try tmux.press("q")
    let pane = try tmux.waitFor("the demo's exit status at the shell prompt", timeout: 20) { pane in
      pane.lines.first { $0.hasPrefix("exit=") && Int($0.dropFirst(5)) != nil }.map { (pane, $0) }
    }
    #expect(pane.1 == "exit=0", "\(pane.0.text)")
    #expect(pane.0.contains("(inspect with `ledgerline status --data"), "\(pane.0.text)")
    #expect(!pane.0.contains("? help  q quit"), "console frame left on the screen:\n\(pane.0.text)")
    #expect(!pane.0.contains("── events"), "console frame left on the screen:\n\(pane.0.text)")
    #expect(try tmux.format("#{alternate_on}") == "0")
    #expect(try tmux.format("#{cursor_flag}") == "1")
    try tmux.enterCommand(#"case "$(stty -a)" in *-icanon*|*" -echo "*) echo tty=raw;; *) echo tty=sane;; esac"#)
    let tty = try tmux.waitFor("the tty mode check") { pane in
      pane.lines.first { $0 == "tty=sane" || $0 == "tty=raw" }
    }
    #expect(tty == "tty=sane", "the console left the terminal in raw mode")
  }
}
