import CSQLite
import Glibc
import LedgerStorage
import Synchronization

/// One SQLite database file behind one connection, used from any thread.
///
/// Every use goes through `withConnection` or `transaction`, which hold `lock` for the whole
/// closure, so SQLite sees one caller at a time. The lock is not re-entrant: do not call back
/// into the same `SQLiteDatabase` from inside a closure.
///
/// `@unchecked Sendable` is safe because the only mutable state, `connection` (the `sqlite3*`
/// handle and its statement cache), is touched exclusively while `lock` is held; every other
/// stored property is an immutable `let` of a `Sendable` type. The connection is opened with
/// `SQLITE_OPEN_NOMUTEX` (multi-thread mode): SQLite allows a connection to move between
/// threads as long as no two use it at once, which the lock guarantees.
public final class SQLiteDatabase: @unchecked Sendable {
  /// How a database file is opened.
  public enum Mode: Sendable, Equatable {
    /// Read-write, creating the file if needed, in WAL mode (the engine).
    case readWrite
    /// Read-only, alongside a running engine (read commands). The file must exist.
    case readOnly
  }

  /// The database file path.
  public let path: String
  /// How the file was opened.
  public let mode: Mode
  private let lock = Mutex(())
  private let connection: SQLiteConnection

  /// Opens `path`. Read-write opens create the file and set WAL, `synchronous=NORMAL`,
  /// `foreign_keys=ON`; both modes wait up to 5 s for a lock held by another connection.
  public init(path: String, mode: Mode = .readWrite) throws(SQLiteError) {
    self.path = path
    self.mode = mode
    let handle = try SQLiteDatabase.open(path: path, mode: mode)
    connection = SQLiteConnection(handle: handle, path: path)
    sqlite3_busy_timeout(handle, 5000)
    sqlite3_extended_result_codes(handle, 1)
    switch mode {
    case .readWrite:
      try connection.execute(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    case .readOnly:
      try connection.execute("PRAGMA query_only=ON; PRAGMA foreign_keys=ON;")
    }
  }

  /// Runs once, before the first connection: SQLite's memory statistics off (no global mutex per
  /// allocation; nothing here reads them).
  private static let configured: Int32 = ledgerline_sqlite_disable_memstatus()

  /// Whether SQLite counts its memory (it should not once a connection was opened: `configured`).
  public static var keepsMemoryStatistics: Bool { sqlite3_memory_used() > 0 }

  private static func open(path: String, mode: Mode) throws(SQLiteError) -> OpaquePointer {
    _ = configured
    if mode == .readWrite { createPrivately(path) }
    let access =
      mode == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY
    var handle: OpaquePointer?
    let code = sqlite3_open_v2(path, &handle, access | SQLITE_OPEN_NOMUTEX, nil)
    guard code == SQLITE_OK, let handle else {
      let message = SQLiteStatement.message(handle)
      sqlite3_close_v2(handle)
      throw .openFailed(path: path, code: code, message: message)
    }
    return handle
  }

  /// Creates `path` with mode 0600 if it does not exist. SQLite creates its `-wal` and `-shm`
  /// files with the database file's permissions, so the whole database stays private to its
  /// owner. A failure here is left to `sqlite3_open_v2`, which reports it with its own code.
  private static func createPrivately(_ path: String) {
    let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if fd >= 0 { Glibc.close(fd) }
  }

  /// Runs `body` with exclusive use of the connection (autocommit: each statement commits alone).
  public func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
    try lock.withLock { _ in
      defer { connection.resetBusyStatements() }
      return try body(connection)
    }
  }

  /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT`; rolls back and rethrows when `body` or
  /// the commit throws. Use for every write that must be atomic.
  public func transaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try inTransaction(begin: "BEGIN IMMEDIATE", body)
  }

  /// Runs `body` inside a deferred (read) transaction: every query sees one snapshot.
  public func readTransaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try inTransaction(begin: "BEGIN DEFERRED", body)
  }

  private func inTransaction<T>(begin: String, _ body: (SQLiteConnection) throws -> T) throws -> T {
    try lock.withLock { _ in
      let conn = connection
      try conn.execute(begin)
      do {
        let result = try body(conn)
        conn.resetBusyStatements()
        try conn.execute("COMMIT")
        return result
      } catch {
        conn.resetBusyStatements()
        if conn.isInTransaction {
          // The original error matters more than a failed rollback; SQLite rolls back anyway
          // when the connection closes.
          try? conn.execute("ROLLBACK")
        }
        throw error
      }
    }
  }

  /// Runs one or more `;`-separated SQL statements without parameters.
  public func execute(_ sql: String) throws(SQLiteError) {
    try lock.withLock { _ throws(SQLiteError) in try connection.execute(sql) }
  }
}
