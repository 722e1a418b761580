import ArgumentParser
import Foundation
import LedgerEngine
import LedgerOperations
import LedgerSystem

/// `ledgerline`: a financial subledger kept reconciled by stateful batch processing.
@main
struct Ledgerline: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ledgerline",
    abstract: "Keep a financial subledger reconciled by stateful batch processing.",
    discussion: """
      Input batches land in <data>/inbox/<source>/<from>_<to>.jsonl (or .csv). The engine reduces \
      them by order id and updates one artifact per order through an assembly line of stages: \
      reduce → prefetch → process → index.
      """,
    subcommands: [
      DemoCommand.self, ConsoleCommand.self, RunCommand.self, StatusCommand.self,
      LookupCommand.self, ExportCommand.self, CorrectCommand.self, RetryCommand.self,
      RejectsCommand.self, QuarantineCommand.self, VerifyCommand.self, RebuildCommand.self, ThemesCommand.self,
      GenerateCommand.self, BenchCommand.self,
    ])

  /// Runs the command; our own errors print as `error: <what failed and what to do>` and exit 1,
  /// argument errors and explicit exit codes go through ArgumentParser. Every message is escaped
  /// for the terminal (``TerminalText``): it may quote a file name, an order id or a typed value.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      guard !(error is ExitCode), !isArgumentError(error) else { exitAfterArgumentError(error) }
      printError(String(describing: error))
      Foundation.exit(1)
    }
  }

  /// What `exit(withError:)` does, with the message escaped: an argument error quotes the value
  /// typed (`The value '…' is invalid for '<batch>'`), and its usage lines are our own.
  private static func exitAfterArgumentError(_ error: any Error) -> Never {
    let code = exitCode(for: error)
    guard !code.isSuccess, !(error is ExitCode) else { exit(withError: error) }
    let message = fullMessage(for: error)
    if !message.isEmpty {
      var stderr = StandardError()
      print(TerminalText.escapedKeepingLineFeeds(message), to: &stderr)
    }
    Foundation.exit(code.rawValue)
  }

  private static func isArgumentError(_ error: any Error) -> Bool {
    let type = String(reflecting: Swift.type(of: error))
    return type.hasPrefix("ArgumentParser.") || error is ValidationError || error is CleanExit
  }
}

/// `--data DIR` and `--postgres URL`, shared by every command that opens a store.
struct DataOptions: ParsableArguments {
  @Option(name: .long, help: "The data directory.")
  var data: String = "./ledgerline-data"

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Keep the workflow ledger and the key index in PostgreSQL (default: $LEDGERLINE_POSTGRES, else SQLite files in the data directory).",
      discussion:
        "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]; inbox, archive, rejects and part files stay in --data.",
      valueName: "url"))
  var postgres: String?

  /// Where the ledger and the index live: `--postgres`, else `LEDGERLINE_POSTGRES`, else SQLite.
  func backend() throws -> StoreBackend { try StoreBackend.chosen(flag: postgres) }

  /// Opens the data directory for `mode` on the chosen backend.
  func workspace(_ mode: Workspace.Mode, faults: FaultInjector = .none) throws -> Workspace {
    try Workspace(root: data, mode: mode, backend: try backend(), faults: faults)
  }
}

/// Prints `error: <message>` to standard error, the message as one line escaped for the terminal
/// (``TerminalText/escaped(_:)``: a quoted file name or value cannot send escape sequences or
/// break the line).
func printError(_ message: String) {
  var stderr = StandardError()
  print("error: \(TerminalText.escaped(message))", to: &stderr)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}
