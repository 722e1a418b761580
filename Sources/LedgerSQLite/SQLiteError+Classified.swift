import LedgerStorage

extension SQLiteError: ClassifiedFailure {
  /// The failure class by SQLite's primary result code: another connection holding a lock is
  /// contention; I/O errors and a full disk may clear; a damaged or foreign file is corrupt
  /// data; everything else (constraint, misuse, schema, mismatch…) is a broken invariant that
  /// retrying cannot fix.
  public var failureKind: FailureKind {
    switch code & 0xFF {
    case 5, 6: .contention  // SQLITE_BUSY, SQLITE_LOCKED
    case 10, 13, 14, 7: .transientIO  // SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOMEM
    case 11, 26: .corruptData  // SQLITE_CORRUPT, SQLITE_NOTADB
    default: .internalError
    }
  }
}
