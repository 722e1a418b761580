import ArgumentParser
import LedgerOperations
import LedgerSystem

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
  @Option(
    help: ArgumentHelp(
      "Idempotency key: submitting the same key again never doubles the correction (default: derived from the fields).",
      valueName: "key"))
  var key: String?
  @Flag(help: "Print JSON.") var json = false

  /// What `--json` prints.
  struct Output: Encodable {
    var batchFile: String
    var eventID: String
    var alreadySubmitted: Bool

    enum CodingKeys: String, CodingKey {
      case batchFile = "batch_file"
      case eventID = "event_id"
      case alreadySubmitted = "already_submitted"
    }
  }

  func run() throws {
    let workspace = try options.workspace(.operatorAction)
    let context = workspace.context
    let actions = OperatorActions(
      context: context, auditLog: FileAuditLog(path: context.paths.auditLog),
      osUser: FileAuditLog.currentOSUser(), via: "cli")
    let request = CorrectionRequest(
      orderID: order, amount: amount, currency: currency, reason: reason, author: author, memo: memo,
      key: key)
    switch actions.submitCorrection(request) {
    case .failure(let error):
      printError(error.description)
      throw ExitCode(1)
    case .success(let submission):
      // A typo in the order id would open a new artifact: said, not refused (a correction may
      // rightly come first, before the order's own lines).
      if !submission.alreadySubmitted, case .success(nil) = Result(catching: { try context.keyIndex.entry(for: order) })
      {
        var stderr = StandardError()
        print(
          "note: no artifact for order \(TerminalText.escaped(order)) is indexed yet (not yet indexed, or no accepted line has this order_id): this correction opens one; check the order id if that is not what you meant",
          to: &stderr)
      }
      if json {
        print(
          try JSONOutput.line(
            Output(
              batchFile: submission.batchFile, eventID: submission.eventID,
              alreadySubmitted: submission.alreadySubmitted)))
      } else if submission.alreadySubmitted {
        print(
          "correction \(TerminalText.escaped(submission.eventID)) was already submitted in batch \(TerminalText.escaped(submission.batchFile)); nothing new was written (it applies once)"
        )
      } else {
        print(
          "submitted correction \(TerminalText.escaped(submission.eventID)) as inbox/\(TerminalText.escaped(submission.batchFile))"
        )
      }
    }
  }
}
