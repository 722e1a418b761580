import ArgumentParser
import LedgerOperations

/// `ledgerline rebuild`: re-create the ledger, the index and the parts from `archive/`.
struct RebuildCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rebuild",
    abstract: "Re-create the workflow ledger, key index and part files from archive/ (the evidence).",
    discussion: """
      For a store that is not whole (a lost or replaced ledger or index). Nothing is deleted: the \
      old databases, parts and rejects move to <data>/rebuild-<time>/. The archived batches are \
      checked against their fingerprints, registered again in their original order and applied; \
      the artifacts have the same lines and balances as before.
      """)

  @OptionGroup var options: DataOptions

  func run() throws {
    let report = try StoreRebuilder(root: options.data, backend: try options.backend()).run()
    print(
      "rebuilt store \(report.storeID): \(report.batches) input batch\(report.batches == 1 ? "" : "es") applied in \(report.jobsDone) job\(report.jobsDone == 1 ? "" : "s"); the previous pieces are in \(report.backup)"
    )
    if report.unjournaled > 0 {
      print(
        "\(report.unjournaled) archived file\(report.unjournaled == 1 ? " was" : "s were") not in the registration journal (registered before it existed) and were applied in scan order: from, source, name"
      )
    }
    if !report.failed.isEmpty {
      printError(
        "batch\(report.failed.count == 1 ? "" : "es") \(report.failed.map(String.init).joined(separator: ", ")) failed; see `ledgerline status --data \(options.data)`"
      )
      throw ExitCode(2)
    }
  }
}
