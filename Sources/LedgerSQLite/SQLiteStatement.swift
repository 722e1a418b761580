import CSQLite
import LedgerStorage

/// A value to bind to a statement parameter or read from a column.
public enum SQLiteValue: Sendable, Equatable {
  case integer(Int64)
  case text(String)
  case real(Double)
  case blob([UInt8])
  case null
}

/// One prepared statement of a `SQLiteConnection`.
///
/// Not `Sendable`: it is only used inside `SQLiteDatabase.withConnection` / `transaction`, on the
/// thread that holds the database's lock. Parameters and columns follow SQLite's numbering:
/// parameters are 1-based, columns 0-based.
public final class SQLiteStatement {
  /// The SQL text this statement was prepared from.
  public let sql: String
  let handle: OpaquePointer
  private let db: OpaquePointer
  private let path: String

  init(sql: String, db: OpaquePointer, path: String) throws(SQLiteError) {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard code == SQLITE_OK, let statement else {
      sqlite3_finalize(statement)
      throw .prepareFailed(path: path, sql: sql, code: code, message: SQLiteStatement.message(db))
    }
    self.sql = sql
    self.handle = statement
    self.db = db
    self.path = path
  }

  deinit { sqlite3_finalize(handle) }

  // MARK: Binding

  /// Binds a 64-bit integer to parameter `index` (1-based).
  public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
    try check(sqlite3_bind_int64(handle, index, value), index: index)
  }

  /// Binds text (UTF-8, embedded NULs kept) to parameter `index`, or NULL when `value` is nil.
  public func bind(_ value: String?, at index: Int32) throws(SQLiteError) {
    guard var text = value else { return try bindNull(at: index) }
    let code = text.withUTF8 { bytes -> Int32 in
      // An empty buffer may have a nil base address, which SQLite would bind as NULL.
      guard let base = bytes.baseAddress else {
        return sqlite3_bind_text(handle, index, "", 0, ledgerline_sqlite_transient())
      }
      return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), ledgerline_sqlite_transient())
      }
    }
    try check(code, index: index)
  }

  /// Binds a double to parameter `index`, or NULL when `value` is nil.
  public func bind(_ value: Double?, at index: Int32) throws(SQLiteError) {
    guard let value else { return try bindNull(at: index) }
    try check(sqlite3_bind_double(handle, index, value), index: index)
  }

  /// Binds bytes to parameter `index` as a BLOB (an empty array binds a zero-length BLOB).
  public func bind(_ value: [UInt8], at index: Int32) throws(SQLiteError) {
    let code = value.withUnsafeBytes { bytes -> Int32 in
      guard let base = bytes.baseAddress else { return sqlite3_bind_zeroblob(handle, index, 0) }
      return sqlite3_bind_blob(
        handle, index, base, Int32(bytes.count), ledgerline_sqlite_transient())
    }
    try check(code, index: index)
  }

  /// Binds NULL to parameter `index`.
  public func bindNull(at index: Int32) throws(SQLiteError) {
    try check(sqlite3_bind_null(handle, index), index: index)
  }

  /// Binds `values` to parameters 1...n.
  public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      switch value {
      case .integer(let v): try bind(v, at: index)
      case .text(let v): try bind(v, at: index)
      case .real(let v): try bind(v, at: index)
      case .blob(let v): try bind(v, at: index)
      case .null: try bindNull(at: index)
      }
    }
  }

  // MARK: Stepping

  /// Advances to the next row: `true` when a row is available, `false` when the statement is done.
  @discardableResult
  public func step() throws(SQLiteError) -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    case let code:
      let message = SQLiteStatement.message(db)
      sqlite3_reset(handle)
      throw .executionFailed(path: path, sql: sql, code: code, message: message)
    }
  }

  /// Resets the statement so it can run again, and clears its bindings.
  public func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  /// Resets the statement so it can run again, keeping its bindings (for a loop that rebinds
  /// every parameter).
  public func resetKeepingBindings() {
    sqlite3_reset(handle)
  }

  /// Resets, binds `values`, and steps to completion (for statements that return no rows).
  public func run(_ values: [SQLiteValue] = []) throws(SQLiteError) {
    reset()
    try bind(values)
    while try step() {}
    sqlite3_reset(handle)
  }

  /// Whether the statement has started and not yet been reset or run to completion.
  var isBusy: Bool { sqlite3_stmt_busy(handle) != 0 }

  // MARK: Columns

  /// Number of columns in a result row.
  public var columnCount: Int32 { sqlite3_column_count(handle) }

  /// Whether column `index` of the current row is NULL.
  public func isNull(at index: Int32) -> Bool {
    sqlite3_column_type(handle, index) == SQLITE_NULL
  }

  /// Column `index` as a 64-bit integer (NULL reads as 0; use `isNull(at:)` to tell them apart).
  public func int64(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

  /// Column `index` as an `Int`.
  public func int(at index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

  /// Column `index` as a double, or `nil` when NULL.
  public func double(at index: Int32) -> Double? {
    isNull(at: index) ? nil : sqlite3_column_double(handle, index)
  }

  /// Column `index` as text, or `nil` when NULL.
  public func optionalString(at index: Int32) -> String? {
    guard let text = sqlite3_column_text(handle, index) else { return nil }
    let count = Int(sqlite3_column_bytes(handle, index))
    return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
  }

  /// Column `index` as text; throws when it is NULL.
  public func string(at index: Int32) throws(SQLiteError) -> String {
    guard let value = optionalString(at: index) else {
      throw .unexpectedNull(path: path, sql: sql, column: index)
    }
    return value
  }

  /// Column `index` as bytes (NULL reads as an empty array).
  public func blob(at index: Int32) -> [UInt8] {
    guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
    let count = Int(sqlite3_column_bytes(handle, index))
    return Array(UnsafeRawBufferPointer(start: bytes, count: count))
  }

  // MARK: Errors

  private func check(_ code: Int32, index: Int32) throws(SQLiteError) {
    guard code == SQLITE_OK else {
      throw .bindFailed(
        path: path, sql: sql, index: index, code: code, message: SQLiteStatement.message(db))
    }
  }

  static func message(_ db: OpaquePointer?) -> String {
    guard let db, let text = sqlite3_errmsg(db) else { return "unknown error" }
    return String(cString: text)
  }
}
