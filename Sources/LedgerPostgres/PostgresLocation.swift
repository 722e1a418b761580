import Foundation

/// Where a store's tables live: a PostgreSQL server, a database on it, and a schema in that
/// database. Every table of the workflow ledger and the key index is created in `schema`, so
/// several stores (or tests) can share one database without seeing each other.
///
/// Parsed from a connection URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (`postgresql://` too; `?sslmode=disable` is accepted and is the only mode supported yet;
/// `?schema=NAME` names the schema). The description never shows the password.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
  public var host: String
  public var port: Int
  public var user: String
  public var password: String?
  public var database: String
  /// The schema holding the store's tables: `[a-z_][a-z0-9_]*`, at most 63 bytes.
  public var schema: String

  /// The schema a store uses when none is given.
  public static let defaultSchema = "ledgerline"

  /// A location from its parts; throws ``PostgresLocationError`` for a schema name that is not a
  /// plain lower-case identifier.
  public init(
    host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
    schema: String = defaultSchema
  ) throws(PostgresLocationError) {
    guard Self.isPlainIdentifier(schema) else { throw .badSchema(schema) }
    self.host = host
    self.port = port
    self.user = user
    self.password = password
    self.database = database
    self.schema = schema
  }

  /// Parses `url` (see the type's description) and uses `schema` in its database: the one given
  /// here, else the URL's `schema` parameter, else ``defaultSchema``.
  public init(url: String, schema: String? = nil) throws(PostgresLocationError) {
    guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
      scheme == "postgres" || scheme == "postgresql"
    else {
      throw .badURL(Self.redacted(url), "expected postgres://USER@HOST:PORT/DATABASE")
    }
    guard let host = parts.host, !host.isEmpty else { throw .badURL(Self.redacted(url), "no host") }
    guard let user = parts.user, !user.isEmpty else { throw .badURL(Self.redacted(url), "no user") }
    let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
    guard !path.isEmpty, !path.contains("/") else {
      throw .badURL(Self.redacted(url), "no database name after the host")
    }
    var named: String?
    for item in parts.queryItems ?? [] {
      switch (item.name, item.value) {
      case ("sslmode", "disable"?): continue
      case ("schema", let value?): named = value
      case ("sslmode", let mode):
        throw .badURL(Self.redacted(url), "sslmode=\(mode ?? "") is not supported yet (only sslmode=disable)")
      default:
        throw .badURL(Self.redacted(url), "unknown parameter \(item.name)")
      }
    }
    try self.init(
      host: host, port: parts.port ?? 5432, user: user, password: parts.password, database: path,
      schema: schema ?? named ?? Self.defaultSchema)
  }

  /// `postgres://user@host:port/database (schema s)`, without the password.
  public var description: String { "postgres://\(user)@\(host):\(port)/\(database) (schema \(schema))" }

  /// The schema as a quoted SQL identifier.
  var quotedSchema: String { "\"\(schema)\"" }

  /// The same server and database, another schema.
  public func with(schema: String) throws(PostgresLocationError) -> PostgresLocation {
    try PostgresLocation(
      host: host, port: port, user: user, password: password, database: database, schema: schema)
  }

  static func isPlainIdentifier(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard let first = bytes.first, bytes.count <= 63 else { return false }
    let lower = UInt8(ascii: "a")...UInt8(ascii: "z")
    let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
    let underscore = UInt8(ascii: "_")
    guard lower.contains(first) || first == underscore else { return false }
    return bytes.allSatisfy { lower.contains($0) || digit.contains($0) || $0 == underscore }
  }

  /// `url` with any password replaced, for messages.
  static func redacted(_ url: String) -> String {
    guard var parts = URLComponents(string: url), parts.password != nil else { return url }
    parts.password = "***"
    return parts.string ?? "(a postgres URL)"
  }
}

/// A connection URL or schema name that cannot be used.
public enum PostgresLocationError: Error, Sendable, Equatable, CustomStringConvertible {
  case badURL(String, String)
  case badSchema(String)

  public var description: String {
    switch self {
    case .badURL(let url, let why):
      "the PostgreSQL URL \(url) cannot be used: \(why) (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"
    case .badSchema(let name):
      "\"\(name)\" is not a schema name ledgerline uses: lower-case letters, digits and _, starting with a letter or _, at most 63 bytes"
    }
  }
}
