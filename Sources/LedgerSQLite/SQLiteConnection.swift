import CSQLite
import LedgerStorage

/// An open SQLite connection and its prepared-statement cache.
///
/// Not `Sendable`: reach it only through `SQLiteDatabase.withConnection` or `transaction`, which
/// hold the database's lock for the whole closure. Do not keep it, or its statements, past the
/// closure.
public final class SQLiteConnection {
  /// The database file path.
  public let path: String
  let handle: OpaquePointer
  private var cache: [String: SQLiteStatement] = [:]
  /// The WAL-commit handler installed by `onWALCommit`, retained while the connection lives.
  private var walHook: Unmanaged<WALCommitHook>?

  init(handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  deinit {
    cache.removeAll()  // finalize statements before the connection
    sqlite3_close_v2(handle)
    walHook?.release()
  }

  /// After each commit that leaves at least `pages` frames in the WAL, calls `action` on the
  /// committing thread. Replaces SQLite's automatic checkpoint, which is itself such a hook.
  public func onWALCommit(pages: Int32, _ action: @escaping @Sendable () -> Void) {
    let hook = Unmanaged.passRetained(WALCommitHook(pages: pages, action: action))
    sqlite3_wal_hook(
      handle,
      { context, _, _, frames in
        if let context {
          let hook = Unmanaged<WALCommitHook>.fromOpaque(context).takeUnretainedValue()
          if frames >= hook.pages { hook.action() }
        }
        return SQLITE_OK
      }, hook.toOpaque())
    walHook?.release()
    walHook = hook
  }

  /// Runs one or more `;`-separated SQL statements that take no parameters.
  public func execute(_ sql: String) throws(SQLiteError) {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    guard code == SQLITE_OK else {
      let message = errorMessage.map { String(cString: $0) } ?? SQLiteStatement.message(handle)
      sqlite3_free(errorMessage)
      throw .executionFailed(path: path, sql: sql, code: code, message: message)
    }
  }

  /// The cached prepared statement for `sql`, reset and with its bindings cleared.
  ///
  /// Statements are cached by SQL text for the connection's lifetime. Asking for the same SQL
  /// again resets the statement, so finish iterating one before asking for it a second time.
  public func cachedStatement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
    if let statement = cache[sql] {
      statement.reset()
      return statement
    }
    let statement = try SQLiteStatement(sql: sql, db: handle, path: path)
    cache[sql] = statement
    return statement
  }

  /// A new, uncached prepared statement for `sql` (for SQL run once).
  public func makeStatement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
    try SQLiteStatement(sql: sql, db: handle, path: path)
  }

  /// Runs `sql` (cached) with `values` bound to parameters 1...n, to completion.
  public func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
    try cachedStatement(sql).run(values)
  }

  /// Runs the query `sql` (cached) with `values` and calls `row` for each result row.
  public func query(
    _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Void
  ) throws {
    let statement = try cachedStatement(sql)
    defer { sqlite3_reset(statement.handle) }
    try statement.bind(values)
    while try statement.step() {
      try row(statement)
    }
  }

  /// The first column of the first row of `sql` as an integer, or `nil` when there is no row.
  public func scalarInt64(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int64? {
    let statement = try cachedStatement(sql)
    defer { sqlite3_reset(statement.handle) }
    try statement.bind(values)
    guard try statement.step(), !statement.isNull(at: 0) else { return nil }
    return statement.int64(at: 0)
  }

  /// Whether `table` has a column named `column`.
  public func hasColumn(table: String, column: String) throws -> Bool {
    var found = false
    try query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { row in
      if try row.string(at: 0) == column { found = true }
    }
    return found
  }

  /// The rowid of the most recent successful INSERT on this connection.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
  public var changes: Int { Int(sqlite3_changes64(handle)) }

  /// Whether the connection is inside an explicit transaction.
  public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  /// Resets cached statements left mid-iteration so they release their read snapshot.
  func resetBusyStatements() {
    for statement in cache.values where statement.isBusy {
      sqlite3_reset(statement.handle)
    }
  }
}

/// What `SQLiteConnection.onWALCommit` installs.
final class WALCommitHook: Sendable {
  let pages: Int32
  let action: @Sendable () -> Void

  init(pages: Int32, action: @escaping @Sendable () -> Void) {
    self.pages = pages
    self.action = action
  }
}
