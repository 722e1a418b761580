import Logging
import PostgresNIO
import Synchronization

/// One PostgreSQL connection to one store's schema, used from any thread, synchronously.
///
/// The storage ports are synchronous, postgres-nio is not: each statement is sent on the
/// connection's event loop (postgres-nio's default group, never the caller's thread) and the
/// caller's thread waits for its result. Calling from an event-loop thread would deadlock that
/// loop, so it is refused with ``PGError/Reason/misuse(_:)``.
///
/// Every use goes through ``withSession(_:)``, ``transaction(_:)`` or ``readTransaction(_:)``,
/// which hold `lock` for the whole closure, so the connection sees one caller at a time. The lock
/// is not re-entrant: do not call back into the same `PGDatabase` from inside a closure.
///
/// The connection is opened on first use and again after it was lost (a server restart, a
/// network failure): the call that finds it broken fails (classified `transient-io`), the next
/// one reconnects. Each connection sets `search_path` to the location's schema, so statements
/// name tables without a schema, and `lock_timeout` to 5 s (SQLite's busy timeout in the embedded
/// store): a row lock held longer by another process fails the statement as contention instead of
/// waiting forever.
///
/// `@unchecked Sendable` is safe because the only mutable state, `connection`, is touched
/// exclusively while `lock` is held; every other stored property is an immutable `let` of a
/// `Sendable` type.
public final class PGDatabase: @unchecked Sendable {
  /// The server, database and schema.
  public let location: PostgresLocation
  private let lock = Mutex(())
  private var connection: PostgresConnection?
  /// postgres-nio logs nothing of ours: every failure reaches the caller as a ``PGError``.
  static let logger = Logger(label: "ledgerline.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

  /// How long a statement waits, by default, for a lock another transaction holds.
  public static let defaultLockTimeoutMillis = 5_000
  /// This connection's lock timeout.
  let lockTimeoutMillis: Int
  /// Whether every transaction of this connection is read-only (the server refuses any write).
  public let readOnly: Bool

  /// The name the server shows for this connection (`pg_stat_activity.application_name`).
  let applicationName: String

  /// Connects to `location` (failing now, with the server named, when it cannot); with
  /// `readOnly`, the server refuses every write made through this connection. The server lists
  /// the connection under `applicationName` (at most 63 bytes are kept).
  public init(
    _ location: PostgresLocation, lockTimeoutMillis: Int = PGDatabase.defaultLockTimeoutMillis,
    readOnly: Bool = false, applicationName: String = "ledgerline"
  ) throws(PGError) {
    self.location = location
    self.lockTimeoutMillis = lockTimeoutMillis
    self.readOnly = readOnly
    self.applicationName = applicationName
    try lock.withLock { _ throws(PGError) in _ = try liveConnection() }
  }

  deinit {
    // Nothing waits for the goodbye: the server ends the session when the socket closes.
    if let connection { Self.close(connection) }
  }

  /// Runs `body` with exclusive use of the connection; each statement commits alone.
  @discardableResult
  public func withSession<T>(_ body: (PGSession) throws -> T) throws -> T {
    try lock.withLock { _ in
      let session = PGSession(connection: try liveConnection(), database: self)
      defer { dropIfBroken(session) }
      return try body(session)
    }
  }

  /// Runs `body` inside `BEGIN` … `COMMIT` (read committed: take row locks with `FOR UPDATE`
  /// where a decision depends on a row); rolls back and rethrows when `body` or the commit throws.
  @discardableResult
  public func transaction<T>(_ body: (PGSession) throws -> T) throws -> T {
    try inTransaction(begin: "BEGIN", body)
  }

  /// Runs `body` in a read-only transaction that sees one snapshot (repeatable read), for reads
  /// made of several statements.
  @discardableResult
  public func readTransaction<T>(_ body: (PGSession) throws -> T) throws -> T {
    try inTransaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
  }

  private func inTransaction<T>(begin: String, _ body: (PGSession) throws -> T) throws -> T {
    try lock.withLock { _ in
      let session = PGSession(connection: try liveConnection(), database: self)
      defer { dropIfBroken(session) }
      try session.execute(begin)
      do {
        let result = try body(session)
        let tag = try session.run("COMMIT", []).metadata.command
        // A transaction that failed inside answers COMMIT with ROLLBACK, without an error.
        guard tag == "COMMIT" else {
          throw PGError(
            location: location.description, sql: "COMMIT",
            reason: .misuse("the transaction had failed and was rolled back (the server answered \(tag))"))
        }
        return result
      } catch {
        if !session.broken {
          // The original error matters more than a failed rollback; the server rolls back anyway
          // when the session ends.
          do { try session.execute("ROLLBACK") } catch { session.broken = true }
        }
        throw error
      }
    }
  }

  /// The open connection, or a new one. Called with `lock` held.
  private func liveConnection() throws(PGError) -> PostgresConnection {
    if MultiThreadedEventLoopGroup.currentEventLoop != nil {
      throw PGError(
        location: location.description, sql: nil,
        reason: .misuse("a synchronous call was made on an event-loop thread, which would deadlock it"))
    }
    if let connection, !connection.isClosed { return connection }
    connection = nil
    var configuration = PostgresConnection.Configuration(
      host: location.host, port: location.port, username: location.user, password: location.password,
      database: location.database, tls: .disable)
    configuration.options.additionalStartupParameters = [("application_name", applicationName)]
    let opened: PostgresConnection
    do {
      opened = try PostgresConnection.connect(
        on: PostgresConnection.defaultEventLoopGroup.next(), configuration: configuration,
        id: connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue, logger: Self.logger
      ).wait()
    } catch {
      throw Self.pgError(error, location: location, sql: nil)
    }
    let session = PGSession(connection: opened, database: self)
    do {
      try session.execute("SET search_path TO \(location.quotedSchema)")
      try session.execute("SET lock_timeout = \(lockTimeoutMillis)")
      if readOnly { try session.execute("SET default_transaction_read_only = on") }
    } catch {
      Self.close(opened)
      throw error
    }
    connection = opened
    return opened
  }

  /// Forgets a connection a statement found broken, so the next use reconnects.
  private func dropIfBroken(_ session: PGSession) {
    guard session.broken, let connection else { return }
    Self.close(connection)
    self.connection = nil
  }

  /// Closes `connection` without waiting (the server ends the session when the socket closes).
  /// The connection stays alive until it is closed: postgres-nio requires that of its last
  /// release.
  private static func close(_ connection: PostgresConnection) {
    let closing: EventLoopFuture<Void> = connection.close()
    closing.whenComplete { _ in withExtendedLifetime(connection) {} }
  }

  /// `error` from postgres-nio as a ``PGError`` naming `location` and `sql`.
  static func pgError(_ error: any Error, location: PostgresLocation, sql: String?) -> PGError {
    if let error = error as? PGError { return error }
    guard let psql = error as? PSQLError else {
      if let decoding = error as? PostgresDecodingError {
        return PGError(
          location: location.description, sql: sql,
          reason: .decoding(column: decoding.columnIndex, message: "\(decoding.code) as \(decoding.targetType)"))
      }
      return PGError(location: location.description, sql: sql, reason: .connection("\(error)"))
    }
    if psql.code == .server, let info = psql.serverInfo {
      return PGError(
        location: location.description, sql: sql,
        reason: .server(
          sqlState: info[.sqlState] ?? "XX000", message: info[.message] ?? "(no message)", detail: info[.detail],
          hint: info[.hint]))
    }
    let what = "\(psql.code)" + (psql.underlying.map { ": \($0)" } ?? "")
    switch psql.code {
    case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
      return PGError(location: location.description, sql: sql, reason: .connection(what))
    default:
      return PGError(location: location.description, sql: sql, reason: .client(what))
    }
  }
}

/// Connection ids for postgres-nio's log metadata.
private let connectionIDs = Atomic<Int>(0)
