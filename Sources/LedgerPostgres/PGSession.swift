import PostgresNIO

/// A value bound to a statement parameter (`$1`, `$2`…).
public enum PGValue: Sendable, Equatable {
  case int(Int64)
  case text(String)
  /// A string stored as its UTF-8 bytes in a `bytea` column: keys and free text, which may hold
  /// any character, U+0000 included (a PostgreSQL `text` cannot), and compare by their bytes.
  case bytes(String)
  case null
  case ints([Int64])
  case texts([String])
  /// Strings as `bytea[]` (see ``bytes(_:)``).
  case byteArrays([String])

  /// `.int`, or `.null` for nil.
  static func int(_ value: Int64?) -> PGValue { value.map { .int($0) } ?? .null }
  /// `.text`, or `.null` for nil.
  static func text(_ value: String?) -> PGValue { value.map { .text($0) } ?? .null }
  /// `.bytes`, or `.null` for nil.
  static func bytes(_ value: String?) -> PGValue { value.map { .bytes($0) } ?? .null }
}

/// The connection inside one ``PGDatabase`` closure: runs statements and returns their rows.
///
/// Not `Sendable`, and valid only inside the closure that received it. Each statement is one
/// round trip (postgres-nio's extended protocol), so one statement holds one SQL command.
public final class PGSession {
  private let connection: PostgresConnection
  private let database: PGDatabase
  /// Set when a statement found the connection unusable; the database then drops it.
  var broken = false

  init(connection: PostgresConnection, database: PGDatabase) {
    self.connection = connection
    self.database = database
  }

  /// Runs `sql`; returns the number of rows it inserted, updated or deleted (0 for others).
  @discardableResult
  public func execute(_ sql: String, _ values: [PGValue] = []) throws(PGError) -> Int {
    try run(sql, values).metadata.rows ?? 0
  }

  /// Runs the query `sql` and returns its rows.
  public func query(_ sql: String, _ values: [PGValue] = []) throws(PGError) -> [PGRow] {
    try run(sql, values).rows.map { PGRow($0, sql: sql, location: database.location) }
  }

  /// The first column of the first row of `sql` as an integer, or nil when there is no row or it
  /// is NULL.
  public func scalarInt64(_ sql: String, _ values: [PGValue] = []) throws(PGError) -> Int64? {
    guard let row = try query(sql, values).first else { return nil }
    return try row.optionalInt64(0)
  }

  func run(_ sql: String, _ values: [PGValue]) throws(PGError) -> PostgresQueryResult {
    var bindings = PostgresBindings(capacity: values.count)
    for value in values {
      switch value {
      case .int(let v): bindings.append(v)
      case .text(let v): bindings.append(v)
      case .bytes(let v): bindings.append(ByteBuffer(string: v))
      case .null: bindings.appendNull()
      case .ints(let v): bindings.append(v)
      case .texts(let v): bindings.append(v)
      case .byteArrays(let v): bindings.append(v.map { ByteBuffer(string: $0) })
      }
    }
    let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
    let connection = connection
    do {
      // postgres-nio 1.33 loses a statement written to a connection that has already closed (its
      // result never comes), so the check and the write happen together on the event loop, where
      // the connection cannot close in between.
      return try connection.eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
        guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(ClosedBeforeSending()) }
        return connection.query(query, logger: PGDatabase.logger)
      }.wait()
    } catch {
      let failure = PGDatabase.pgError(error, location: database.location, sql: sql)
      if failure.connectionLost { broken = true }
      throw failure
    }
  }
}

/// The connection had closed (the server ended the session, or the network) before a statement
/// was sent.
struct ClosedBeforeSending: Error, CustomStringConvertible {
  var description: String { "the connection had closed before the statement was sent" }
}

/// One result row; columns are numbered from 0 in the order the query selects them.
public struct PGRow: Sendable {
  private let row: PostgresRandomAccessRow
  private let sql: String
  private let location: PostgresLocation

  init(_ row: PostgresRow, sql: String, location: PostgresLocation) {
    self.row = PostgresRandomAccessRow(row)
    self.sql = sql
    self.location = location
  }

  /// Whether column `column` is NULL.
  public func isNull(_ column: Int) -> Bool { row[column].bytes == nil }

  /// Column `column` as an integer; throws when it is NULL or not an integer.
  public func int64(_ column: Int) throws(PGError) -> Int64 {
    guard let value = try optionalInt64(column) else { throw null(column) }
    return value
  }

  /// Column `column` as an integer, or nil when NULL.
  public func optionalInt64(_ column: Int) throws(PGError) -> Int64? {
    try decode(column, Int64.self)
  }

  /// Column `column` as an `Int`.
  public func int(_ column: Int) throws(PGError) -> Int { Int(try int64(column)) }

  /// Column `column` (`text`) as a string; throws when it is NULL.
  public func text(_ column: Int) throws(PGError) -> String {
    guard let value = try optionalText(column) else { throw null(column) }
    return value
  }

  /// Column `column` (`text`), or nil when NULL.
  public func optionalText(_ column: Int) throws(PGError) -> String? {
    try decode(column, String.self)
  }

  /// Column `column` (`bytea` written by ``PGValue/bytes(_:)``) as a string; throws when NULL.
  public func bytes(_ column: Int) throws(PGError) -> String {
    guard let value = try optionalBytes(column) else { throw null(column) }
    return value
  }

  /// Column `column` (`bytea`) as a string, or nil when NULL.
  public func optionalBytes(_ column: Int) throws(PGError) -> String? {
    try decode(column, ByteBuffer.self).map { String(buffer: $0) }
  }

  /// Column `column` as a boolean; throws when it is NULL.
  public func bool(_ column: Int) throws(PGError) -> Bool {
    guard let value = try decode(column, Bool.self) else { throw null(column) }
    return value
  }

  private func decode<T: PostgresDecodable>(_ column: Int, _ type: T.Type) throws(PGError) -> T? {
    guard column < row.count else {
      throw PGError(
        location: location.description, sql: sql,
        reason: .decoding(column: column, message: "the row has \(row.count) columns"))
    }
    let cell = row[column]
    guard cell.bytes != nil else { return nil }
    do {
      return try cell.decode(T.self)
    } catch {
      throw PGError(
        location: location.description, sql: sql,
        reason: .decoding(column: column, message: "\(cell.dataType) cannot be read as \(T.self)"))
    }
  }

  private func null(_ column: Int) -> PGError {
    PGError(
      location: location.description, sql: sql,
      reason: .decoding(column: column, message: "NULL where a value was required"))
  }
}
