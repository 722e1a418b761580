import ArgumentParser
import LedgerOperations

/// `ledgerline quarantine BATCH INPUT` / `--release INPUT`: an operator sets one poisoned input
/// aside so the rest of its batch proceeds, and later releases it.
struct QuarantineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quarantine",
    abstract: "Set one input of a failed batch aside so the rest proceeds (or release it later).",
    discussion: """
      The input stays in archive/ and is listed as quarantined by `status`; its interval counts as \
      not applied, so its source's watermark stops before it. Only a batch that failed at reduce or \
      prefetch (before any output was written) can lose an input. `--release INPUT` makes it \
      registered work again: the next batch applies it. Both are audited.
      """)

  @OptionGroup var options: DataOptions
  @Argument(help: "The failed batch (see `ledgerline status`); omit with --release.") var batch: UInt64?
  @Argument(help: "The input: its id or source/name.") var input: String?
  @Option(help: ArgumentHelp("Release this quarantined input (id or source/name).", valueName: "input"))
  var release: String?

  func validate() throws {
    if release != nil {
      guard batch == nil, input == nil else { throw ValidationError("--release takes only the input") }
    } else {
      guard batch != nil, input != nil else {
        throw ValidationError("give the batch and the input: `ledgerline quarantine BATCH INPUT`")
      }
    }
  }

  func run() throws {
    let workspace = try options.workspace(.operatorAction)
    let context = workspace.context
    let actions = OperatorActions(
      context: context, auditLog: FileAuditLog(path: context.paths.auditLog),
      osUser: FileAuditLog.currentOSUser(), via: "cli")
    if let release {
      switch actions.release(input: release) {
      case .success(let input):
        print("released \(input.batch.source)/\(input.batch.name); the next batch applies it")
      case .failure(let error):
        printError(error.description)
        throw ExitCode(1)
      }
      return
    }
    guard let batch, let input else { return }
    switch actions.quarantine(job: batch, input: input) {
    case .success(let record):
      print(
        "set \(record.batch.source)/\(record.batch.name) aside; batch \(batch) runs again without it (release it with `ledgerline quarantine --release \(record.id)`)"
      )
    case .failure(let error):
      printError(error.description)
      throw ExitCode(1)
    }
  }
}
