import LedgerStorage
import Synchronization

/// The store id of an in-memory double, with the SQLite pieces' rules: stamped once, a
/// different id refused.
final class InMemoryStoreStamp: Sendable {
  private let id = Mutex<String?>(nil)
  private let piece: StoreIdentityError.Piece

  init(piece: StoreIdentityError.Piece) {
    self.piece = piece
  }

  func read() -> String? { id.withLock { $0 } }

  func stamp(_ new: String) throws {
    try id.withLock { id in
      if let id, id != new {
        throw StoreIdentityError.foreign(piece: piece, path: "(in memory)", found: id, expected: new)
      }
      id = new
    }
  }
}

extension InMemoryKeyIndex {
  /// The store id stamped on this index, if any.
  public func storeID() throws -> String? { stampRecord.read() }

  /// Records `id` once; a different id throws.
  public func stamp(storeID id: String) throws { try stampRecord.stamp(id) }
}

extension InMemoryWorkflowLedger {
  /// The store id stamped on this ledger, if any.
  public func storeID() throws -> String? { stampRecord.read() }

  /// Records `id` once; a different id throws.
  public func stamp(storeID id: String) throws { try stampRecord.stamp(id) }
}
