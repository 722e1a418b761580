import ArgumentParser
import Foundation
import LedgerConsole
import LedgerEngine
import LedgerOperations

/// Options shared by `console` and `demo`.
struct ConsoleFlags: ParsableArguments {
  @Option(help: "Theme name (a file in the themes directory, e.g. default, light, high-contrast, monochrome).")
  var theme: String?

  @Option(help: "Themes directory (default: $LEDGERLINE_THEMES, ./themes, or the one beside the binary's package).")
  var themes: String?

  @Flag(help: "ASCII line drawing (automatic when the locale is not UTF-8).")
  var ascii = false

  /// The themes directory to use, if one can be found.
  func themesDirectory() -> String? {
    var candidates: [String] = []
    if let themes { candidates.append(themes) }
    if let env = ProcessInfo.processInfo.environment["LEDGERLINE_THEMES"] { candidates.append(env) }
    candidates.append(FileManager.default.currentDirectoryPath + "/themes")
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = binary.deletingLastPathComponent()
    for _ in 0..<4 {
      candidates.append(dir.path + "/themes")
      dir = dir.deletingLastPathComponent()
    }
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
  }

  func options(readOnly: Bool) -> ConsoleOptions {
    ConsoleOptions(themeName: theme, themesDirectory: themesDirectory(), ascii: ascii, readOnly: readOnly)
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
      let workspace = try Workspace(root: options.data, mode: .reader)
      let backend = EngineConsoleBackend(reader: workspace.context, engine: nil, actions: nil)
      defer { backend.close() }
      try ConsoleApp.run(backend: backend, options: flags.options(readOnly: true))
      return
    }
    let workspace = try Workspace(root: options.data, mode: .engine, faults: try FaultOptions.parse(nil))
    try ConsoleSession(context: workspace.context, flags: flags).run()
  }
}

/// An engine on its own threads with the console in front of it.
struct ConsoleSession {
  let context: EngineContext
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
    let reader = try Workspace(root: context.paths.root, mode: .reader, clock: context.clock)
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
