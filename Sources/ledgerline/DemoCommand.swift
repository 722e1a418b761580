import ArgumentParser

/// `ledgerline demo`: a fresh data dir, a live generator, the engine and the console.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo", abstract: "Run a live demo: generator, engine and console on a fresh data dir.")

  @OptionGroup var options: DataOptions

  func run() throws {
    printError("the demo is not built yet (issue 4); use `ledgerline generate` then `ledgerline run --until-idle`")
    throw ExitCode(1)
  }
}

/// `ledgerline console`: the console over an existing data dir.
struct ConsoleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "console", abstract: "Open the operations console on an existing data dir.")

  @OptionGroup var options: DataOptions

  func run() throws {
    printError("the console is not built yet (issue 4)")
    throw ExitCode(1)
  }
}
