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
    let user = FileAuditLog.currentOSUser()
    try context.ledger.appendEvent(
      LedgerEvent(at: now, kind: .operatorAction, job: batch, text: "operator \(user) retried batch \(batch) at \(job.stage.rawValue)"))
    let record = AuditRecord(
      time: now / 1000, osUser: user, action: "retry",
      details: ["stage": job.stage.rawValue, "previous_error": job.lastError ?? "", "outcome": "requested", "via": "cli"],
      batch: String(batch))
    if case .failure(let error) = FileAuditLog(path: context.paths.auditLog).append(record) {
      printError("\(error) — batch \(batch) WAS set to run again")
      throw ExitCode(1)
    }
    print("batch \(batch) will run \(job.stage.rawValue) again")
  }
}
