import ArgumentParser
import LedgerOperations

/// `ledgerline retry BATCH`: an operator resumes a failed batch.
struct RetryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retry", abstract: "Retry a failed batch (a running engine picks it up).")

  @OptionGroup var options: DataOptions
  @Argument(help: "The batch number (see `ledgerline status`).") var batch: UInt64

  func run() throws {
    let workspace = try options.workspace(.operatorAction)
    let context = workspace.context
    let actions = OperatorActions(
      context: context, auditLog: FileAuditLog(path: context.paths.auditLog),
      osUser: FileAuditLog.currentOSUser(), via: "cli")
    switch actions.retry(job: batch) {
    case .success(let job):
      print("batch \(batch) will run \(job.stage.rawValue) again")
    case .failure(.unknownJob):
      printError("no batch \(batch) in \(options.data); `ledgerline status` lists the batches")
      throw ExitCode(1)
    case .failure(let error):
      printError(error.description)
      throw ExitCode(1)
    }
  }
}
