import Foundation
import LedgerDomain
import LedgerStorage

/// A correction line an accountant asks for.
public struct CorrectionRequest: Sendable, Equatable {
  public var orderID: String
  public var amount: String
  public var currency: String
  public var reason: String
  public var author: String
  public var memo: String?

  public init(orderID: String, amount: String, currency: String, reason: String, author: String, memo: String? = nil) {
    self.orderID = orderID
    self.amount = amount
    self.currency = currency
    self.reason = reason
    self.author = author
    self.memo = memo
  }
}

/// Submits corrections as one-line batches of the source `corrections` (SPEC §6), validated
/// exactly as ingest validates, and records each in the audit log.
public struct CorrectionSubmitter: Sendable {
  public static let source = "corrections"
  let paths: EnginePaths
  let ledger: any WorkflowLedger
  let clock: any WallClock

  public init(paths: EnginePaths, ledger: any WorkflowLedger, clock: any WallClock = SystemClock()) {
    self.paths = paths
    self.ledger = ledger
    self.clock = clock
  }

  /// The accepted submission: the batch file written and the event id.
  public struct Submission: Sendable, Equatable {
    public var batchFile: String
    public var eventID: String
  }

  /// Validates and writes the correction; a rejected request returns the ingest reason.
  public func submit(_ request: CorrectionRequest) throws -> Result<Submission, CorrectionError> {
    let now = clock.nowMillis()
    let eventID = "corr-\(now)-\(UInt32.random(in: 0...UInt32.max))"
    let line = Self.jsonLine(request, id: eventID, ts: BatchInstant(secondsSinceEpoch: now / 1000).rfc3339)
    let origin = EventOrigin(source: Self.source, file: "(form)", line: 1)
    if case .failure(let reason) = EventDecoder().decodeJSONLine(Array(line.utf8), origin: origin) {
      return .failure(.invalid(reason))
    }
    let dir = "\(paths.inbox)/\(Self.source)"
    try FileOps.makeDirectory(dir)
    let lockFD = open("\(dir)/.submit.lock", O_CREAT | O_RDWR, 0o600)
    guard lockFD >= 0 else { throw EngineIOError.open(path: "\(dir)/.submit.lock", errno: errno) }
    defer { close(lockFD) }
    flock(lockFD, LOCK_EX)
    let from = max(now / 1000, try latestEnd(dir))
    let name = "\(BatchInstant(secondsSinceEpoch: from).basic)_\(BatchInstant(secondsSinceEpoch: from + 1).basic).jsonl"
    try FileOps.writeAtomically(Array((line + "\n").utf8), to: "\(dir)/\(name)")
    return .success(Submission(batchFile: "\(Self.source)/\(name)", eventID: eventID))
  }

  /// The end of the latest correction interval, registered or still in the inbox.
  private func latestEnd(_ dir: String) throws -> Int64 {
    var latest = try ledger.inputBatches(source: Self.source).map(\.batch.to).max() ?? 0
    for name in FileOps.list(dir) where !BatchFileName.isInProgress(name) {
      if case .success(let parsed) = BatchFileName.parse(name) {
        latest = max(latest, parsed.to.secondsSinceEpoch)
      }
    }
    return latest
  }

  static func jsonLine(_ r: CorrectionRequest, id: String, ts: String) -> String {
    var fields: [(String, String)] = [
      ("id", JSONText.quote(id)), ("order_id", JSONText.quote(r.orderID)),
      ("kind", JSONText.quote("correction")), ("amount", JSONText.quote(r.amount)),
      ("currency", JSONText.quote(r.currency)), ("ts", JSONText.quote(ts)),
      ("reason", JSONText.quote(r.reason)), ("author", JSONText.quote(r.author)),
    ]
    if let memo = r.memo { fields.append(("memo", JSONText.quote(memo))) }
    return JSONText.object(fields)
  }
}

/// Why a correction was not submitted.
public enum CorrectionError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalid(RejectReason)

  public var description: String {
    switch self {
    case .invalid(let reason): "correction refused: \(reason) (rule \(reason.rule)); nothing was submitted"
    }
  }
}
