import LedgerStorage

extension PGError: ClassifiedFailure {
  /// The failure class by SQLSTATE (PostgreSQL's Appendix A), never by the message: a conflict
  /// with another transaction (serialization failure, deadlock, a lock not granted, a statement
  /// cancelled by a timeout) is contention; a lost or refused connection, a server shutting
  /// down, exhausted resources and system I/O errors may clear; corrupted data or index is
  /// corrupt data; everything else (constraint, syntax, undefined object, data exception,
  /// authentication…) is a broken invariant or a setup problem that retrying cannot fix.
  public var failureKind: FailureKind {
    switch reason {
    case .connection: return .transientIO
    case .client, .decoding, .misuse: return .internalError
    case .server(let state, _, _, _):
      switch state {
      case "40001", "40P01", "55P03", "57014": return .contention
      case "XX001", "XX002": return .corruptData
      case "57P01", "57P02", "57P03", "57P05", "25P03", "40003": return .transientIO
      default: break
      }
      switch state.prefix(2) {
      case "08", "53", "58": return .transientIO  // connection, insufficient resources, system error
      default: return .internalError
      }
    }
  }
}
