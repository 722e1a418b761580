import LedgerOperations
import Synchronization

/// An in-memory audit log for tests and demos.
public final class InMemoryAuditLog: AuditLog {
  private let storage = Mutex<[AuditRecord]>([])

  /// An empty log.
  public init() {}

  /// Records `record`.
  public func append(_ record: AuditRecord) -> Result<Void, AuditLogError> {
    storage.withLock { $0.append(record) }
    return .success(())
  }

  /// Everything recorded so far.
  public var records: [AuditRecord] { storage.withLock { $0 } }
}
