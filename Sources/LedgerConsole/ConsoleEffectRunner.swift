import LedgerEngine

/// Performs the backend effects of the state machine and audits the dangerous ones. Runs off
/// the UI thread; each call answers with the event to feed back into the loop.
public struct ConsoleEffectRunner: Sendable {
  let backend: any ConsoleBackend
  let auditLog: any AuditLog
  let osUser: String
  let clock: @Sendable () -> Int64

  /// A runner over `backend`, recording as `osUser`, with wall time from `clock`.
  public init(
    backend: any ConsoleBackend, auditLog: any AuditLog, osUser: String,
    clock: @escaping @Sendable () -> Int64
  ) {
    self.backend = backend
    self.auditLog = auditLog
    self.osUser = osUser
    self.clock = clock
  }

  /// Performs `effect`; `nil` for `.quit`, which the loop handles itself.
  public func perform(_ effect: ConsoleEffect) -> ConsoleEvent? {
    switch effect {
    case .quit:
      return nil
    case .lookup(let orderID):
      return .lookupFinished(orderID: orderID, backend.lookup(orderID: orderID))
    case .retry(let job):
      return .retryFinished(job: job, error: retry(job))
    case .submitCorrection(let draft):
      return .correctionFinished(submit(draft))
    }
  }

  /// Audits the request first (no audit, no action), then the outcome.
  private func retry(_ job: UInt64) -> ConsoleActionError? {
    let details = ["job": String(job)]
    if let error = audit("retry", details, outcome: "requested", batch: "#\(job)", taken: false) {
      return error
    }
    let result = backend.retry(job: job)
    let outcome: String
    switch result {
    case .success: outcome = "queued"
    case .failure(let error): outcome = "refused: \(error.description)"
    }
    let auditError = audit("retry", details, outcome: outcome, batch: "#\(job)", taken: true)
    if case .failure(let error) = result { return error }
    return auditError
  }

  private func submit(_ draft: CorrectionDraft) -> Result<String, ConsoleActionError> {
    let details = [
      "order_id": draft.orderID, "amount": draft.currency.format(draft.amount),
      "currency": draft.currency.code, "reason": draft.reason, "author": draft.author,
    ]
    if let error = audit("correction", details, outcome: "requested", batch: nil, taken: false) {
      return .failure(error)
    }
    let result = backend.submitCorrection(draft)
    switch result {
    case .success(let batch):
      if let error = audit("correction", details, outcome: "submitted", batch: batch, taken: true) {
        return .failure(error)
      }
    case .failure(let error):
      _ = audit(
        "correction", details, outcome: "refused: \(error.description)", batch: nil, taken: false)
    }
    return result
  }

  private func audit(
    _ action: String, _ details: [String: String], outcome: String, batch: String?, taken: Bool
  ) -> ConsoleActionError? {
    var details = details
    details["outcome"] = outcome
    let record = AuditRecord(time: clock(), osUser: osUser, action: action, details: details, batch: batch)
    if case .failure(let error) = auditLog.append(record) {
      return .auditLogUnavailable(detail: error.description, actionTaken: taken)
    }
    return nil
  }
}
