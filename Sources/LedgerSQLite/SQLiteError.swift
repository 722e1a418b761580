import LedgerStorage

/// A failed SQLite call: what was attempted, the SQL, SQLite's result code and message, and the
/// database file, so the message alone tells an operator where to look.
///
/// The description reads like GRDB's `DatabaseError`:
/// `SQLite error 19 (constraint failed) in /data/index.sqlite: UNIQUE constraint failed: t.id -
/// while executing `INSERT INTO t ...``.
public enum SQLiteError: Error, Sendable, CustomStringConvertible, Equatable {
  /// The database file could not be opened (missing, unreadable, not a database).
  case openFailed(path: String, code: Int32, message: String)
  /// `sql` did not compile.
  case prepareFailed(path: String, sql: String, code: Int32, message: String)
  /// Binding parameter `index` (1-based) of `sql` failed.
  case bindFailed(path: String, sql: String, index: Int32, code: Int32, message: String)
  /// Running `sql` failed (constraint, busy, I/O, corruption...).
  case executionFailed(path: String, sql: String, code: Int32, message: String)
  /// Column `column` of a row of `sql` held NULL where a value was required.
  case unexpectedNull(path: String, sql: String, column: Int32)

  /// The database file the failure happened on.
  public var path: String {
    switch self {
    case .openFailed(let path, _, _), .prepareFailed(let path, _, _, _),
      .bindFailed(let path, _, _, _, _), .executionFailed(let path, _, _, _),
      .unexpectedNull(let path, _, _):
      return path
    }
  }

  /// The SQL being run, or `nil` for an open failure.
  public var sql: String? {
    switch self {
    case .openFailed: return nil
    case .prepareFailed(_, let sql, _, _), .bindFailed(_, let sql, _, _, _),
      .executionFailed(_, let sql, _, _), .unexpectedNull(_, let sql, _):
      return sql
    }
  }

  /// SQLite's primary or extended result code (`SQLITE_MISMATCH` for an unexpected NULL).
  public var code: Int32 {
    switch self {
    case .openFailed(_, let code, _), .prepareFailed(_, _, let code, _),
      .bindFailed(_, _, _, let code, _), .executionFailed(_, _, let code, _):
      return code
    case .unexpectedNull: return 20  // SQLITE_MISMATCH
    }
  }

  /// SQLite's own error message.
  public var message: String {
    switch self {
    case .openFailed(_, _, let message), .prepareFailed(_, _, _, let message),
      .bindFailed(_, _, _, _, let message), .executionFailed(_, _, _, let message):
      return message
    case .unexpectedNull(_, _, let column):
      return "column \(column) is NULL where a value was required"
    }
  }

  /// Whether another connection held a lock for longer than the busy timeout.
  public var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }

  public var description: String {
    let head = "SQLite error \(code) (\(SQLiteError.codeName(code))) in \(path): \(message)"
    switch self {
    case .openFailed:
      return head + " - check that the file exists, is a SQLite database and is readable"
    case .bindFailed(_, let sql, let index, _, _):
      return head + " - while binding parameter \(index) of `\(sql)`"
    case .prepareFailed(_, let sql, _, _), .executionFailed(_, let sql, _, _),
      .unexpectedNull(_, let sql, _):
      return head + " - while executing `\(sql)`"
    }
  }

  /// A short English name for SQLite's primary result code.
  static func codeName(_ code: Int32) -> String {
    switch code & 0xFF {
    case 1: return "SQL error"
    case 2: return "internal error"
    case 3: return "access permission denied"
    case 5: return "database is locked"
    case 6: return "database table is locked"
    case 7: return "out of memory"
    case 8: return "attempt to write a readonly database"
    case 10: return "disk I/O error"
    case 11: return "database disk image is malformed"
    case 13: return "database or disk is full"
    case 14: return "unable to open database file"
    case 19: return "constraint failed"
    case 20: return "datatype mismatch"
    case 21: return "bad parameter or other API misuse"
    case 25: return "column index out of range"
    case 26: return "file is not a database"
    default: return "result code \(code & 0xFF)"
    }
  }
}
