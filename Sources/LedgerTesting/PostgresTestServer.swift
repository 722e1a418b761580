import Foundation
import LedgerPostgres

/// The PostgreSQL server the tests use, if any: `LEDGERLINE_TEST_POSTGRES` holds its URL
/// (`postgres://USER@127.0.0.1:PORT/DATABASE`; `.ci/run` starts a throwaway cluster and sets it).
///
/// Without it, the PostgreSQL cases are skipped, and say so: one line on standard output, and
/// Swift Testing records the skip of ``PostgresTestServer/skipComment``-tagged tests. In CI (`CI`
/// set) a missing URL is a failure, never a skip: the PostgreSQL cases run and fail with
/// ``PostgresTestServer/Missing``.
public enum PostgresTestServer {
  /// The environment variable holding the URL.
  public static let variable = "LEDGERLINE_TEST_POSTGRES"

  /// The URL, when set and not empty.
  public static let url: String? = {
    guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
    return value
  }()

  /// Whether this is a CI run (`CI` set and not empty).
  public static let inCI: Bool = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

  /// Whether the PostgreSQL cases run: a server is configured, or this is CI (where they must
  /// fail rather than be skipped). Prints the skip the first time it is asked and they do not.
  public static let casesRun: Bool = {
    let run = url != nil || inCI
    if !run {
      print("◇ SKIPPED: \(skipComment)")
    }
    return run
  }()

  /// Why the PostgreSQL cases were skipped.
  public static let skipComment =
    "\(variable) is not set, so the PostgreSQL cases of the storage tests did not run; set it to "
    + "postgres://USER@127.0.0.1:PORT/DATABASE (a database the tests may create schemas in), or run .ci/run"

  /// No server is configured although this is CI: what the PostgreSQL cases throw then.
  public struct Missing: Error, CustomStringConvertible {
    public init() {}

    public var description: String {
      "CI is set but \(PostgresTestServer.variable) is not: the PostgreSQL cases must run in CI (.ci/run starts a "
        + "server and sets it)"
    }
  }

  /// The configured server's database, with `schema`.
  public static func location(schema: String) throws -> PostgresLocation {
    guard let url else { throw Missing() }
    return try PostgresLocation(url: url, schema: schema)
  }

  /// A new schema name no other test uses, dropped (with everything in it) when `directory` is
  /// removed.
  public static func scratchSchema(removedWith directory: TemporaryDirectory) throws -> PostgresLocation {
    let location = try location(schema: freshSchemaName())
    directory.onRemoval { drop(location) }
    return location
  }

  /// The configured server's URL naming `schema` (for `--postgres` / `LEDGERLINE_POSTGRES`).
  public static func url(schema: String) throws -> String {
    guard let url else { throw Missing() }
    return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
  }

  /// Drops the schema `name` on the configured server, and everything in it (see ``drop(_:)``).
  public static func drop(schema name: String) {
    do { drop(try location(schema: name)) } catch { print("could not drop the test schema \(name): \(error)") }
  }

  /// Whether the schema `name` exists on the configured server.
  public static func schemaExists(_ name: String) throws -> Bool {
    let admin = try PGDatabase(try location(schema: "public"))
    return try admin.withSession { session in
      try session.scalarInt64("SELECT count(*) FROM pg_namespace WHERE nspname = $1", [.text(name)]) == 1
    }
  }

  /// A schema name no other test uses.
  public static func freshSchemaName() -> String {
    "ledgerline_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
  }

  /// Drops `location`'s schema and everything in it (a failure is printed, not thrown: it only
  /// leaves a schema behind).
  public static func drop(_ location: PostgresLocation) {
    do {
      let admin = try PGDatabase(try location.with(schema: "public"))
      try admin.withSession { try $0.execute("DROP SCHEMA IF EXISTS \"\(location.schema)\" CASCADE") }
    } catch {
      print("could not drop the test schema \(location.schema): \(error)")
    }
  }
}
