import ArgumentParser
import LedgerEngine

/// `ledgerline correct`: submit a correction line (source `corrections`).
struct CorrectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "correct", abstract: "Submit a correction line as a one-line batch.")

  @OptionGroup var options: DataOptions
  @Option(help: "The order id to correct.") var order: String
  @Option(parsing: .unconditional, help: "Signed exact decimal amount, e.g. -12.50.") var amount: String
  @Option(help: "ISO 4217 currency code, e.g. USD.") var currency: String
  @Option(help: "Why the correction is needed.") var reason: String
  @Option(help: "Who asks for it.") var author: String
  @Option(help: "Optional memo.") var memo: String?
  @Flag(help: "Print JSON.") var json = false

  func run() throws {
    let workspace = try Workspace(root: options.data, mode: .operatorAction)
    let context = workspace.context
    let request = CorrectionRequest(
      orderID: order, amount: amount, currency: currency, reason: reason, author: author, memo: memo)
    switch try CorrectionSubmitter(paths: context.paths, ledger: context.ledger).submit(request) {
    case .failure(let error):
      printError(error.description)
      throw ExitCode(1)
    case .success(let submission):
      let record = AuditRecord(
        time: context.clock.nowMillis() / 1000, osUser: FileAuditLog.currentOSUser(), action: "correction",
        details: [
          "order_id": order, "amount": amount, "currency": currency, "reason": reason,
          "author": author, "event_id": submission.eventID, "outcome": "submitted", "via": "cli",
        ], batch: submission.batchFile)
      if case .failure(let error) = FileAuditLog(path: context.paths.auditLog).append(record) {
        printError("\(error) — the correction \(submission.eventID) WAS submitted as inbox/\(submission.batchFile)")
        throw ExitCode(1)
      }
      if json {
        print(JSONText.object([
          ("batch_file", JSONText.quote(submission.batchFile)), ("event_id", JSONText.quote(submission.eventID)),
        ]))
      } else {
        print("submitted correction \(submission.eventID) as inbox/\(submission.batchFile)")
      }
    }
  }
}
