import Foundation
import LedgerTesting
import Synchronization
import Testing

/// Where the commands of a CLI test keep a data directory's workflow ledger and key index: the
/// SQLite files of the embedded default, or a schema of its own on the test server, named to
/// every command through `LEDGERLINE_POSTGRES` (as an operator's shell would).
enum CLIStore: String, Sendable, CaseIterable, CustomTestStringConvertible {
  case sqlite
  case postgres

  var testDescription: String { rawValue }

  /// The stores a CLI test runs on: PostgreSQL when a server is configured (or in CI, where a
  /// missing server fails); otherwise its skip is printed (``PostgresTestServer``).
  static let available: [CLIStore] = [.sqlite] + (PostgresTestServer.casesRun ? [.postgres] : [])

  /// The environment for every command on data directory `data`: nothing for SQLite; for
  /// PostgreSQL, a schema for this directory alone, dropped when `scratch` is removed.
  func environment(for data: String, in scratch: ScratchDirectory) throws -> [String: String] {
    guard self == .postgres else { return [:] }
    let schema = scratch.schema(for: data)
    return ["LEDGERLINE_POSTGRES": try PostgresTestServer.url(schema: schema)]
  }
}

extension ScratchDirectory {
  /// The PostgreSQL schema of data directory `data` (the same name each time it is asked).
  func schema(for data: String) -> String {
    schemas.withLock { names in
      if let name = names[data] { return name }
      let name = PostgresTestServer.freshSchemaName()
      names[data] = name
      return name
    }
  }
}
