/// A piece of a store that carries the store's identity (SPEC §5): the workflow ledger and the
/// key index each record the store id they were created for, so a missing, replaced or foreign
/// piece is found before anything is written.
public protocol StoreStamped: Sendable {
  /// The store id recorded in this piece, or `nil` when it was never stamped (a store created
  /// before identities were kept, or a piece created just now).
  func storeID() throws -> String?
  /// Records `id` as this piece's store. Stamping the id already recorded is harmless; stamping
  /// a different one throws ``StoreIdentityError/foreign(piece:path:found:expected:)``.
  func stamp(storeID id: String) throws
  /// Folds what was written into the piece's own file, so that a copy of that file alone holds
  /// it all (SQLite: the write-ahead log checkpointed into the database, then truncated). Called
  /// when an engine stops cleanly; a no-op where there is nothing to fold (a server, memory).
  func settle() throws
}

extension StoreStamped {
  public func settle() throws {}
}
