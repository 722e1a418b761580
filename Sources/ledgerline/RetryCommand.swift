import ArgumentParser
import LedgerEngine
import LedgerStorage

/// `ledgerline retry BATCH`: an operator resumes a failed batch.
struct RetryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retry", abstract: "Retry a failed batch (a running engine picks it up).")

  @OptionGroup var options: DataOptions
  @Argument(help: "The batch number (see `ledgerline status`).") var batch: UInt64

  func run() throws {
    let workspace = try Workspace(root: options.data, mode: .operatorAction)
    let context = workspace.context
    guard let job = try context.ledger.job(batch) else {
      printError("no batch \(batch) in \(options.data); `ledgerline status` lists the batches")
      throw ExitCode(1)
    }
    guard try context.ledger.retry(job: batch, at: context.clock.nowMillis()) else {
      printError("batch \(batch) is \(job.status.rawValue) at \(job.stage.rawValue), not failed; nothing to retry")
      throw ExitCode(1)
    }
    let now = context.clock.nowMillis()
    try context.ledger.appendEvent(
      LedgerEvent(at: now, kind: .operatorAction, job: batch, text: "operator \(AuditLog.osUser) retried batch \(batch) at \(job.stage.rawValue)"))
    try AuditLog(path: context.paths.auditLog).record(
      action: "retry", details: [("stage", job.stage.rawValue), ("previous_error", job.lastError ?? "")],
      batch: String(batch), at: now)
    print("batch \(batch) will run \(job.stage.rawValue) again")
  }
}
