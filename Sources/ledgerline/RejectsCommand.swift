import ArgumentParser
import Foundation
import LedgerEngine
import LedgerOperations

/// `ledgerline rejects`: every rejected line with its file, line number and reason.
struct RejectsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rejects", abstract: "List rejected input lines with file, line and reason.")

  @OptionGroup var options: DataOptions
  @Option(help: "Only this batch.") var batch: UInt64?
  @Flag(help: "Print JSON Lines (each with its batch).") var json = false

  func run() throws {
    let workspace = try options.workspace(.reader)
    // An unknown batch is a mistake to point out, not a batch without rejects.
    if let batch, try workspace.context.ledger.job(batch) == nil {
      printError("no batch \(batch) in \(options.data); `ledgerline status` lists the batches")
      throw ExitCode(1)
    }
    for line in try RejectsReader(paths: workspace.context.paths).lines(batch: batch) {
      print(json ? try line.jsonWithBatch() : line.text)
    }
  }
}
