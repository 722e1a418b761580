import ArgumentParser
import Foundation
import LedgerConsole
import LedgerEngine
import LedgerOperations

/// Options shared by `console` and `demo`.
struct ConsoleFlags: ParsableArguments {
  @Option(help: "Theme name: a built-in one (default, light, high-contrast, monochrome) or a user theme.")
  var theme: String?

  @Option(
    help: ArgumentHelp(
      "A directory of user *.theme files (after $XDG_CONFIG_HOME/ledgerline/themes; also LEDGERLINE_THEMES).",
      valueName: "dir"))
  var themes: String?

  @Flag(help: "ASCII line drawing (automatic when the locale is not UTF-8).")
  var ascii = false

  /// Where user themes are looked for, in order: a later directory overrides an earlier one.
  func themeDirectories() -> [String] {
    ThemeDirectories.search(explicit: themes)
  }

  func options(readOnly: Bool) -> ConsoleOptions {
    ConsoleOptions(themeName: theme, themeDirectories: themeDirectories(), ascii: ascii, readOnly: readOnly)
  }
}

/// The user theme directories: `$XDG_CONFIG_HOME/ledgerline/themes` (or
/// `~/.config/ledgerline/themes`), then `LEDGERLINE_THEMES`, then `--themes`.
enum ThemeDirectories {
  static func search(explicit: String?) -> [String] {
    let environment = ProcessInfo.processInfo.environment
    var directories: [String] = []
    if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
      directories.append(config + "/ledgerline/themes")
    } else if let home = environment["HOME"], !home.isEmpty {
      directories.append(home + "/.config/ledgerline/themes")
    }
    if let env = environment["LEDGERLINE_THEMES"], !env.isEmpty { directories.append(env) }
    if let explicit { directories.append(explicit) }
    return directories
  }
}

/// `ledgerline console`: the console over an existing data dir, engine running inside.
struct ConsoleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "console", abstract: "Open the operations console on a data dir (engine running inside).")

  @OptionGroup var options: DataOptions
  @OptionGroup var flags: ConsoleFlags

  @Flag(help: "Watch and look up only: no engine, no retry, no correction.")
  var readOnly = false

  func run() throws {
    if readOnly {
      let workspace = try options.workspace(.reader)
      let backend = EngineConsoleBackend(reader: workspace.context, engine: nil, actions: nil)
      defer { backend.close() }
      try ConsoleApp.run(backend: backend, options: flags.options(readOnly: true))
      return
    }
    let workspace = try options.workspace(.engine, faults: try FaultOptions.parse(nil))
    try ConsoleSession(context: workspace.context, backend: workspace.backend, flags: flags).run()
  }
}

/// An engine on its own threads with the console in front of it.
struct ConsoleSession {
  let context: EngineContext
  /// Where the store's ledger and index live (the console's reader opens the same).
  let backend: StoreBackend
  let flags: ConsoleFlags
  var beforeExit: () -> Void = {}

  func run() throws {
    let engine = Engine(context: context)
    let finished = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      do { try engine.run() } catch { printError("engine stopped: \(error)") }
      finished.signal()
    }
    // The console reads through its own read-only connections, never the engine's writer.
    let reader = try Workspace(root: context.paths.root, mode: .reader, backend: backend, clock: context.clock)
    let actions = OperatorActions(
      context: context, auditLog: FileAuditLog(path: context.paths.auditLog),
      osUser: FileAuditLog.currentOSUser(), via: "console")
    let backend = EngineConsoleBackend(reader: reader.context, engine: engine, actions: actions)
    defer {
      backend.close()
      engine.requestStop()
      finished.wait()
      beforeExit()
    }
    try ConsoleApp.run(backend: backend, options: flags.options(readOnly: false))
  }
}
