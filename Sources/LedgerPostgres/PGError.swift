/// A failed PostgreSQL call: where (server, database, schema), the statement, and what the server
/// or the client said — with the SQLSTATE when the server answered — so the message alone tells
/// an operator where to look.
///
/// `PostgreSQL error 23505 (unique_violation) on postgres://ci@127.0.0.1:5432/db (schema s):
/// duplicate key value violates unique constraint "input_batches_source_name_key" (Key …) -
/// while executing `INSERT INTO input_batches …``
public struct PGError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong.
  public enum Reason: Sendable, Equatable {
    /// The server refused a statement with this SQLSTATE.
    case server(sqlState: String, message: String, detail: String?, hint: String?)
    /// No connection could be made, or it broke (`what` says how, from the client's side).
    case connection(String)
    /// The client library refused or failed a step that is not the network's fault (an
    /// authentication mechanism it lacks, a protocol message it did not expect…).
    case client(String)
    /// A column did not hold what the code expected (a NULL, or another type).
    case decoding(column: Int, message: String)
    /// The wrapper was used in a way it does not allow (e.g. from an event-loop thread).
    case misuse(String)
  }

  /// The server, database and schema (``PostgresLocation/description``, no password).
  public var location: String
  /// The statement being run, if any.
  public var sql: String?
  public var reason: Reason

  public init(location: String, sql: String?, reason: Reason) {
    self.location = location
    self.sql = sql
    self.reason = reason
  }

  /// The five-character SQLSTATE when the server answered.
  public var sqlState: String? {
    if case .server(let state, _, _, _) = reason { return state }
    return nil
  }

  /// Whether the connection can no longer be used (it is closed and a new one is needed).
  public var connectionLost: Bool {
    switch reason {
    case .connection, .client: true
    case .server(let state, _, _, _):
      // connection_exception, operator intervention that ends the session, idle-session timeouts
      state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25P03", "57P05"].contains(state)
    case .decoding, .misuse: false
    }
  }

  public var description: String {
    let head: String
    switch reason {
    case .server(let state, let message, let detail, let hint):
      head =
        "PostgreSQL error \(state) (\(Self.conditionName(state))) on \(location): \(message)"
        + (detail.map { " (\($0))" } ?? "") + (hint.map { " — hint: \($0)" } ?? "")
    case .connection(let what):
      head =
        "PostgreSQL connection to \(location) failed: \(what) - check that the server runs and accepts connections "
        + "at that address"
    case .client(let what):
      head = "PostgreSQL client failed on \(location): \(what)"
    case .decoding(let column, let message):
      head = "PostgreSQL result from \(location) not understood: column \(column): \(message)"
    case .misuse(let what):
      head = "PostgreSQL wrapper misused on \(location): \(what)"
    }
    return head + (sql.map { " - while executing `\(Self.compact($0))`" } ?? "")
  }

  /// `sql` on one line, whitespace runs collapsed.
  static func compact(_ sql: String) -> String {
    sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
  }

  /// The condition name of the SQLSTATEs ledgerline meets (PostgreSQL's Appendix A), else the
  /// class.
  static func conditionName(_ state: String) -> String {
    switch state {
    case "23505": return "unique_violation"
    case "23502": return "not_null_violation"
    case "23503": return "foreign_key_violation"
    case "23514": return "check_violation"
    case "40001": return "serialization_failure"
    case "40P01": return "deadlock_detected"
    case "55P03": return "lock_not_available"
    case "57014": return "query_canceled"
    case "57P01": return "admin_shutdown"
    case "57P02": return "crash_shutdown"
    case "57P03": return "cannot_connect_now"
    case "53100": return "disk_full"
    case "53200": return "out_of_memory"
    case "53300": return "too_many_connections"
    case "58030": return "io_error"
    case "XX001": return "data_corrupted"
    case "XX002": return "index_corrupted"
    case "42P01": return "undefined_table"
    case "42703": return "undefined_column"
    case "42883": return "undefined_function"
    case "42601": return "syntax_error"
    case "3F000": return "invalid_schema_name"
    case "3D000": return "invalid_catalog_name"
    case "28P01": return "invalid_password"
    case "28000": return "invalid_authorization_specification"
    case "22021": return "character_not_in_repertoire"
    case "22003": return "numeric_value_out_of_range"
    default: return "class \(state.prefix(2))"
    }
  }
}
