import ArgumentParser
import LedgerEngine
import LedgerOperations

/// `ledgerline status`: batches, stages, backlog, retries, watermarks.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show batches, stages, backlog, retries and watermarks.")

  @OptionGroup var options: DataOptions
  @Flag(help: "Print JSON.") var json = false
  @Option(help: "How many recent batches to show.") var limit = 50

  func run() throws {
    let workspace = try options.workspace(.reader)
    let report = try StatusReport.build(workspace, jobLimit: limit)
    print(json ? try report.json() : report.text(), terminator: json ? "\n" : "")
  }
}
