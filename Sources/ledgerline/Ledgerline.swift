import ArgumentParser
import Foundation

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
      RejectsCommand.self, QuarantineCommand.self, VerifyCommand.self, RebuildCommand.self,
      GenerateCommand.self, BenchCommand.self,
    ])

  /// Runs the command; our own errors print as `error: <what failed and what to do>` and exit 1,
  /// argument errors and explicit exit codes go through ArgumentParser.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      guard !(error is ExitCode), !isArgumentError(error) else { exit(withError: error) }
      printError(String(describing: error))
      Foundation.exit(1)
    }
  }

  private static func isArgumentError(_ error: any Error) -> Bool {
    let type = String(reflecting: Swift.type(of: error))
    return type.hasPrefix("ArgumentParser.") || error is ValidationError || error is CleanExit
  }
}

/// `--data DIR`, shared by every command.
struct DataOptions: ParsableArguments {
  @Option(name: .long, help: "The data directory.")
  var data: String = "./ledgerline-data"
}

/// Prints to standard error.
func printError(_ message: String) {
  var stderr = StandardError()
  print("error: \(message)", to: &stderr)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}
