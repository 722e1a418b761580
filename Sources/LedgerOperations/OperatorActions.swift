import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

/// The two actions that change what the engine does — retrying a failed batch and submitting a
/// correction — with their audit trail, for the CLI and the console alike.
///
/// Order of work: validate (an invalid request changes nothing and is not audited), write the
/// audit record of the intent (no audit, no action), perform the action, then write the audit
/// record of the outcome. So the audit log never lacks an action that happened.
public struct OperatorActions: Sendable {
  let context: EngineContext
  let auditLog: any AuditLog
  let osUser: String
  let via: String

  /// Actions on `context`, audited to `auditLog` as `osUser`; `via` names the surface
  /// (`cli`, `console`) in each record.
  public init(context: EngineContext, auditLog: any AuditLog, osUser: String, via: String) {
    self.context = context
    self.auditLog = auditLog
    self.osUser = osUser
    self.via = via
  }

  /// Sends failed batch `job` back to the stage that failed; returns the job as it was.
  public func retry(job seq: UInt64) -> Result<JobRecord, OperatorActionError> {
    let job: JobRecord
    do {
      guard let found = try context.ledger.job(seq) else { return .failure(.unknownJob(seq)) }
      job = found
    } catch {
      return .failure(.storage("\(error)"))
    }
    guard job.status == .failed || job.status == .retrying else {
      return .failure(.notRetryable(job: seq, status: job.status.rawValue, stage: job.stage.rawValue))
    }
    let details = ["stage": job.stage.rawValue, "previous_error": job.lastError ?? "", "via": via]
    return audited("retry", details, batch: String(seq), done: "queued") {
      let now = context.clock.nowMillis()
      guard try context.ledger.retry(job: seq, at: now) else {
        throw OperatorActionError.notRetryable(job: seq, status: "no longer failed", stage: job.stage.rawValue)
      }
      try context.ledger.appendEvent(
        LedgerEvent(
          at: now, kind: .operatorAction, job: seq,
          text: "operator \(osUser) on \(ProcessIdentity.host) retried batch \(seq) at \(job.stage.rawValue) (\(via))"))
      return job
    }
  }

  /// Sets input `input` (an id, or `source/name`) of failed batch `job` aside so the rest of
  /// the batch proceeds; the input stays in `archive/`, listed as quarantined, until released.
  public func quarantine(job seq: UInt64, input reference: String) -> Result<InputBatchRecord, OperatorActionError> {
    let input: InputBatchRecord
    do {
      guard let job = try context.ledger.job(seq) else { return .failure(.unknownJob(seq)) }
      let inputs = try context.ledger.inputBatches(ids: job.inputs)
      guard let found = inputs.first(where: { Self.matches($0, reference) }) else {
        return .failure(.unknownInput(reference, job: seq))
      }
      input = found
    } catch {
      return .failure(.storage("\(error)"))
    }
    let details = ["input": "\(input.batch.source)/\(input.batch.name)", "input_id": String(input.id), "via": via]
    return audited("quarantine", details, batch: String(seq), done: "quarantined") {
      let now = context.clock.nowMillis()
      try context.ledger.quarantine(input: input.id, job: seq, at: now)
      let remaining = try context.ledger.inputBatches(ids: try context.ledger.job(seq)?.inputs ?? [])
      try RegistrationJournal(archive: context.paths.archive).appendQuarantine(
        "\(input.batch.source)/\(input.batch.name)", job: seq,
        remaining: remaining.map { "\($0.batch.source)/\($0.batch.name)" })
      try context.ledger.appendEvent(
        LedgerEvent(
          at: now, kind: .operatorAction, job: seq,
          text:
            "operator \(osUser) set \(input.batch.source)/\(input.batch.name) aside from batch \(seq); the rest of the batch runs again (\(via))"
        ))
      return input
    }
  }

  /// Releases a quarantined input (an id, or `source/name`): the next batch applies it.
  public func release(input reference: String) -> Result<InputBatchRecord, OperatorActionError> {
    let input: InputBatchRecord
    do {
      guard let found = try context.ledger.quarantinedInputBatches().first(where: { Self.matches($0, reference) })
      else { return .failure(.notQuarantined(reference)) }
      input = found
    } catch {
      return .failure(.storage("\(error)"))
    }
    let details = ["input": "\(input.batch.source)/\(input.batch.name)", "input_id": String(input.id), "via": via]
    return audited("release", details, batch: nil, done: "released") {
      guard try context.ledger.release(input: input.id) else { throw OperatorActionError.notQuarantined(reference) }
      try RegistrationJournal(archive: context.paths.archive).appendRelease("\(input.batch.source)/\(input.batch.name)")
      try context.ledger.appendEvent(
        LedgerEvent(
          at: context.clock.nowMillis(), kind: .operatorAction, job: nil,
          text:
            "operator \(osUser) released \(input.batch.source)/\(input.batch.name); the next batch applies it (\(via))"
        ))
      return input
    }
  }

  static func matches(_ input: InputBatchRecord, _ reference: String) -> Bool {
    String(input.id) == reference || "\(input.batch.source)/\(input.batch.name)" == reference
  }

  /// Validates `request` as ingest would and submits it as a one-line batch.
  public func submitCorrection(_ request: CorrectionRequest)
    -> Result<CorrectionSubmitter.Submission, OperatorActionError>
  {
    let submitter = CorrectionSubmitter(paths: context.paths, ledger: context.ledger, clock: context.clock)
    let prepared: CorrectionSubmitter.Prepared
    do {
      switch try submitter.prepare(request) {
      case .success(let value): prepared = value
      case .failure(let error): return .failure(.invalidCorrection(error.description))
      }
    } catch {
      return .failure(.storage("\(error)"))
    }
    let details = [
      "order_id": request.orderID, "amount": request.amount, "currency": request.currency,
      "reason": request.reason, "author": request.author, "event_id": prepared.eventID, "via": via,
    ]
    let earlier: CorrectionSubmitter.Earlier?
    do {
      earlier = try submitter.earlier(prepared)
    } catch {
      return .failure(.storage("\(error)"))
    }
    switch earlier {
    case .same(let file)?:
      // Nothing is written: the earlier batch carries it, and it applies once.
      return audited("correction", details, batch: nil, done: "already submitted", outcomeBatch: \.batchFile) {
        CorrectionSubmitter.Submission(batchFile: file, eventID: prepared.eventID, alreadySubmitted: true)
      }
    case .different(let file, let order, let amount, let currency)?:
      let refusal = CorrectionError.idReused(
        id: prepared.eventID, batchFile: file, orderID: order, amount: amount, currency: currency)
      return .failure(.invalidCorrection(refusal.description))
    case nil:
      break
    }
    return audited("correction", details, batch: nil, done: "submitted", outcomeBatch: \.batchFile) {
      let submission = try submitter.write(prepared)
      try? context.ledger.appendEvent(
        LedgerEvent(
          at: context.clock.nowMillis(), kind: .correction, job: nil,
          text:
            "correction \(submission.eventID) for \(request.orderID): \(request.amount) \(request.currency) by \(request.author) (\(request.reason)) → \(submission.batchFile)"
        ))
      return submission
    }
  }

  /// The one audited path: the intent is recorded (no record, no action), `act` runs, then the
  /// outcome is recorded — `done` on success, the refusal otherwise — with `outcomeBatch` of
  /// the result when the action creates one. `act` throws an ``OperatorActionError`` to refuse;
  /// a `LedgerError` is the ledger refusing, anything else a storage failure.
  private func audited<T>(
    _ action: String, _ details: [String: String], batch: String?, done: String,
    outcomeBatch: ((T) -> String)? = nil, _ act: () throws -> T
  ) -> Result<T, OperatorActionError> {
    var details = details
    details["outcome"] = "requested"
    if let error = auditRecord(action, details, batch: batch, taken: false) { return .failure(error) }
    let outcome: Result<T, OperatorActionError>
    do {
      outcome = .success(try act())
    } catch let error as OperatorActionError {
      outcome = .failure(error)
    } catch let error as LedgerError {
      outcome = .failure(.refused(error.description))
    } catch {
      outcome = .failure(.storage("\(error)"))
    }
    details["outcome"] = Self.describe(outcome.map { _ in done })
    let recorded = (try? outcome.get()).flatMap { value in outcomeBatch.map { $0(value) } } ?? batch
    if let error = auditRecord(action, details, batch: recorded, taken: outcome.isSuccess) {
      return .failure(error)
    }
    return outcome
  }

  private func auditRecord(_ action: String, _ details: [String: String], batch: String?, taken: Bool)
    -> OperatorActionError?
  {
    let record = AuditRecord(
      time: context.clock.nowMillis() / 1000, osUser: osUser, action: action, details: details,
      batch: batch)
    if case .failure(let error) = auditLog.append(record) {
      return .auditUnavailable(detail: error.description, actionTaken: taken)
    }
    return nil
  }

  private static func describe<T>(_ result: Result<T, OperatorActionError>) -> String {
    switch result {
    case .success(let value): "\(value)"
    case .failure(let error): "refused: \(error.description)"
    }
  }
}

extension Result {
  fileprivate var isSuccess: Bool {
    if case .success = self { return true }
    return false
  }
}

/// Why an operator action was refused or failed; each message says what to do.
public enum OperatorActionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No job with that sequence number.
  case unknownJob(UInt64)
  /// The job is not failed (or retrying), so there is nothing to retry.
  case notRetryable(job: UInt64, status: String, stage: String)
  /// The correction breaks an ingest rule; nothing was submitted.
  case invalidCorrection(String)
  /// The ledger or the inbox could not be read or written.
  case storage(String)
  /// No input of the batch matches the reference.
  case unknownInput(String, job: UInt64)
  /// No quarantined input matches the reference.
  case notQuarantined(String)
  /// The ledger refused the change (the batch's state does not allow it).
  case refused(String)
  /// The audit log could not be written; `actionTaken` says whether the action still happened.
  case auditUnavailable(detail: String, actionTaken: Bool)

  public var description: String {
    switch self {
    case .unknownJob(let seq): "no batch \(seq); `ledgerline status` lists the batches"
    case .notRetryable(let seq, let status, let stage):
      "batch \(seq) is \(status) at \(stage), not failed; nothing to retry"
    case .invalidCorrection(let detail): detail
    case .storage(let detail): "could not write: \(detail); check the data directory and try again"
    case .unknownInput(let reference, let job):
      "batch \(job) has no input \"\(reference)\"; give its id or source/name as `ledgerline status --json` lists them"
    case .notQuarantined(let reference):
      "no quarantined input \"\(reference)\"; `ledgerline status` lists the quarantined inputs"
    case .refused(let detail): detail
    case .auditUnavailable(let detail, false):
      "nothing was done because the audit log could not be written: \(detail)"
    case .auditUnavailable(let detail, true):
      "the action was done but its outcome could not be audited: \(detail); record it by hand"
    }
  }
}
