/// Why the engine refused or failed a console action (retry, correction).
public enum ConsoleActionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The console or engine is read-only.
  case readOnly(action: String)
  /// No job with that sequence number.
  case unknownJob(seq: UInt64)
  /// The job is not in a state that allows the action.
  case notRetryable(seq: UInt64, state: String)
  /// The correction was refused by validation in the engine.
  case invalidCorrection(String)
  /// The operator services refused the action; the text says why.
  case refused(String)
  /// Writing failed (I/O).
  case io(String)
  /// The audit log could not be written; `actionTaken` says whether the action still happened.
  case auditLogUnavailable(detail: String, actionTaken: Bool)

  /// A message a person can act on.
  public var description: String {
    switch self {
    case .readOnly(let action):
      "\(action) is not available: the console is read-only (restart without --read-only)"
    case .unknownJob(let seq): "no batch #\(seq); it may have been pruned — pick one from the list"
    case .notRetryable(let seq, let state):
      "batch #\(seq) is \(state); only a failed batch can be retried"
    case .invalidCorrection(let detail): detail
    case .refused(let detail): detail
    case .io(let detail): "could not write: \(detail); check the data directory and try again"
    case .auditLogUnavailable(let detail, false):
      "nothing was done because the audit log could not be written: \(detail)"
    case .auditLogUnavailable(let detail, true):
      "the action was done but could not be audited: \(detail); record it by hand"
    }
  }
}
