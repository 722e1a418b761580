import Foundation
import Glibc
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

/// A correction line an accountant asks for.
public struct CorrectionRequest: Sendable, Equatable {
  public var orderID: String
  public var amount: String
  public var currency: String
  public var reason: String
  public var author: String
  public var memo: String?
  /// The idempotency key: the same key (or, without one, the same content) always gives the
  /// same event id, so a retried submission is a duplicate the engine ignores, never a second
  /// correction.
  public var key: String?

  public init(
    orderID: String, amount: String, currency: String, reason: String, author: String,
    memo: String? = nil, key: String? = nil
  ) {
    self.orderID = orderID
    self.amount = amount
    self.currency = currency
    self.reason = reason
    self.author = author
    self.memo = memo
    self.key = key
  }

  /// The event id: `corr-<key>` when a key is given, else `corr-` and the first 32 hex digits
  /// of the SHA-256 of the request's fields (order, amount, currency, reason, author, memo).
  public var eventID: String {
    if let key { return "corr-\(key)" }
    let fields = [orderID, amount, currency, reason, author, memo ?? ""]
    let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: ",")
    return "corr-" + SHA256.hex(of: canonical).prefix(32)
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

  /// The accepted submission: the batch file written and the event id. With
  /// `alreadySubmitted`, nothing was written: the same correction (same id, same fields) was
  /// submitted before, in `batchFile`, and it applies once.
  public struct Submission: Sendable, Equatable {
    public var batchFile: String
    public var eventID: String
    public var alreadySubmitted = false

    public init(batchFile: String, eventID: String, alreadySubmitted: Bool = false) {
      self.batchFile = batchFile
      self.eventID = eventID
      self.alreadySubmitted = alreadySubmitted
    }
  }

  /// A correction submitted before under the same event id (``earlier(_:)``).
  public enum Earlier: Sendable, Equatable {
    /// The same fields: submitting again would apply nothing more.
    case same(batchFile: String)
    /// Other fields under the same id (an idempotency key used again for another correction):
    /// the new one would be dropped as a duplicate, so it is refused.
    case different(batchFile: String, orderID: String, amount: String, currency: String)
  }

  /// A validated correction, ready to be written: its event id and its JSON line.
  public struct Prepared: Sendable, Equatable {
    public var eventID: String
    public var line: String
  }

  /// Validates and writes the correction; a rejected request returns the ingest reason. The
  /// same correction submitted before is not written again; another one under its id is refused.
  public func submit(_ request: CorrectionRequest) throws -> Result<Submission, CorrectionError> {
    switch try prepare(request) {
    case .success(let prepared):
      switch try earlier(prepared) {
      case .same(let file)?:
        return .success(Submission(batchFile: file, eventID: prepared.eventID, alreadySubmitted: true))
      case .different(let file, let order, let amount, let currency)?:
        return .failure(
          .idReused(id: prepared.eventID, batchFile: file, orderID: order, amount: amount, currency: currency))
      case nil: return .success(try write(prepared))
      }
    case .failure(let error): return .failure(error)
    }
  }

  /// The correction submitted before under `prepared`'s event id, if any: a line of a
  /// `corrections` batch still in the inbox or registered (archived) with that id. Corrections
  /// are few, one line per file, so every one is read.
  public func earlier(_ prepared: Prepared) throws -> Earlier? {
    guard let mine = Self.fields(of: prepared.line) else { return nil }
    for folder in [paths.archive, paths.inbox] {
      let dir = "\(folder)/\(Self.source)"
      for name in try FileSystem.listIfPresent(dir).sorted() where !BatchFileName.isInProgress(name) {
        guard case .success = BatchFileName.parse(name) else { continue }
        let bytes = try FileSystem.readAll("\(dir)/\(name)", noFollow: true)
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
          guard let theirs = Self.fields(of: String(decoding: line, as: UTF8.self)), theirs.id == mine.id else {
            continue
          }
          let file = "\(Self.source)/\(name)"
          var same = theirs
          same.ts = mine.ts
          return same == mine
            ? .same(batchFile: file)
            : .different(batchFile: file, orderID: theirs.orderID, amount: theirs.amount, currency: theirs.currency)
        }
      }
    }
    return nil
  }

  /// The fields of a correction line, or nil when it is not one.
  static func fields(of line: String) -> Line? {
    try? JSONDecoder().decode(Line.self, from: Data(line.utf8))
  }

  /// Validates `request` exactly as ingest validates a line; nothing is written.
  public func prepare(_ request: CorrectionRequest) throws -> Result<Prepared, CorrectionError> {
    for (field, text) in [("reason", request.reason), ("author", request.author), ("key", request.key ?? "x")] {
      if let problem = TextRules.problem(text) { return .failure(.unreadable(field: field, problem: problem)) }
    }
    let now = clock.nowMillis()
    let eventID = request.eventID
    let line = try Self.jsonLine(request, id: eventID, ts: BatchInstant(secondsSinceEpoch: now / 1000).rfc3339)
    let origin = EventOrigin(source: Self.source, file: "(form)", line: 1)
    if case .failure(let reason) = EventDecoder().decodeJSONLine(Array(line.utf8), origin: origin) {
      return .failure(.invalid(reason))
    }
    return .success(Prepared(eventID: eventID, line: line))
  }

  /// Writes a prepared correction as the next batch of the `corrections` source. Its interval
  /// starts where the previous correction's ended (corrections arrive when an operator submits
  /// one: between two of them none arrived, so the source has no gaps) and ends after the
  /// current second. When a correction already covers the current second, it waits for the next
  /// one (at most a second), so no interval claims the future.
  public func write(_ prepared: Prepared) throws -> Submission {
    let dir = "\(paths.inbox)/\(Self.source)"
    try FileSystem.makeDirectories(dir)
    let lockPath = "\(dir)/.submit.lock"
    let lockFD = try FileSystem.open(lockPath, O_CREAT | O_RDWR)
    defer { FileSystem.close(lockFD) }
    guard flock(lockFD, LOCK_EX) == 0 else {
      throw FileSystemError(operation: "lock", path: lockPath, errno: errno)
    }
    var now = clock.nowMillis()
    let latest = try latestEnd(dir)
    if latest > now / 1000, latest <= now / 1000 + 1 {
      clock.sleep(until: latest * 1000)
      now = max(clock.nowMillis(), latest * 1000)
    }
    // A hand-made interval further ahead is taken as it is: the next one follows it.
    let from = latest > 0 ? latest : now / 1000
    let to = max(from + 1, now / 1000 + 1)
    let name = "\(BatchInstant(secondsSinceEpoch: from).basic)_\(BatchInstant(secondsSinceEpoch: to).basic).jsonl"
    try FileSystem.writeAtomically(Array((prepared.line + "\n").utf8), to: "\(dir)/\(name)")
    return Submission(batchFile: "\(Self.source)/\(name)", eventID: prepared.eventID)
  }

  /// The end of the latest correction interval, registered or still in the inbox.
  private func latestEnd(_ dir: String) throws -> Int64 {
    var latest = try ledger.inputBatches(source: Self.source).map(\.batch.to).max() ?? 0
    for name in try FileSystem.listIfPresent(dir) where !BatchFileName.isInProgress(name) {
      if case .success(let parsed) = BatchFileName.parse(name) {
        latest = max(latest, parsed.to.secondsSinceEpoch)
      }
    }
    return latest
  }

  /// The correction event as written to the inbox.
  struct Line: Codable, Equatable {
    var id: String
    var orderID: String
    var kind = "correction"
    var amount: String
    var currency: String
    var ts: String
    var reason: String
    var author: String
    var memo: String?

    enum CodingKeys: String, CodingKey {
      case id, kind, amount, currency, ts, reason, author, memo
      case orderID = "order_id"
    }
  }

  static func jsonLine(_ r: CorrectionRequest, id: String, ts: String) throws -> String {
    try JSONOutput.line(
      Line(
        id: id, orderID: r.orderID, amount: r.amount, currency: r.currency, ts: ts, reason: r.reason,
        author: r.author, memo: r.memo))
  }
}

/// Why a correction was not submitted.
public enum CorrectionError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalid(RejectReason)
  /// A free-text field a person must be able to read back: blank, or holding a control character.
  case unreadable(field: String, problem: String)
  /// Another correction was submitted under the same event id (its key used again).
  case idReused(id: String, batchFile: String, orderID: String, amount: String, currency: String)

  public var description: String {
    switch self {
    case .idReused(let id, let file, let order, let amount, let currency):
      "correction refused: its id \(id) was already used by the correction batch \(file) (order \(order), \(amount) \(currency)), which a second correction under the same id would not change; pass another --key for a different correction; nothing was submitted"
    case .invalid(let reason): "correction refused: \(reason) (rule \(reason.rule)); nothing was submitted"
    case .unreadable(let field, let problem):
      "correction refused: --\(field) \(problem); nothing was submitted"
    }
  }
}
