import LedgerPostgres
import LedgerSQLite
import LedgerStorage
import LedgerTesting
import Testing

/// The implementations of the storage ports the contract tests run the same assertions against.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
  /// A fresh SQLite file in a temporary directory.
  case sqlite
  /// A fresh index of sorted runs (`RunKeyIndex`) in a temporary directory, merging whenever
  /// more than two runs are listed (key indexes only).
  case runs
  /// A new in-memory double from LedgerTesting.
  case inMemory
  /// A fresh schema on the PostgreSQL server of `LEDGERLINE_TEST_POSTGRES`, dropped with the
  /// temporary directory.
  case postgres

  var testDescription: String { rawValue }

  /// The backends every contract test runs on: PostgreSQL when a server is configured (or in CI,
  /// where a missing server fails); otherwise its skip is printed (``PostgresTestServer``).
  static let available: [Backend] = [.sqlite, .inMemory] + (PostgresTestServer.casesRun ? [.postgres] : [])

  /// The key-index backends: those above and the index of runs.
  static let keyIndexes: [Backend] = available + [.runs]

  /// A fresh, empty key index (its file, if any, in `directory`, which must outlive it).
  func keyIndex(in directory: TemporaryDirectory) throws -> any KeyIndex {
    switch self {
    case .sqlite: try SQLiteKeyIndex(path: directory.file("index.sqlite"))
    case .runs: try RunKeyIndex(path: directory.file("index.sqlite"), maxRuns: 2)
    case .inMemory: InMemoryKeyIndex()
    case .postgres: try PostgresKeyIndex(location: try PostgresTestServer.scratchSchema(removedWith: directory))
    }
  }

  /// A fresh, empty workflow ledger (its file, if any, in `directory`, which must outlive it).
  func workflowLedger(in directory: TemporaryDirectory) throws -> any WorkflowLedger {
    try workflowLedgers(in: directory, count: 1)[0]
  }

  /// `count` handles on one fresh, empty workflow ledger, each with its own connection where the
  /// backend has connections (as several processes would open it).
  func workflowLedgers(in directory: TemporaryDirectory, count: Int) throws -> [any WorkflowLedger] {
    switch self {
    case .sqlite, .runs:
      return try (0..<count).map { _ in try SQLiteWorkflowLedger(path: directory.file("ledger.sqlite")) }
    case .inMemory:
      let ledger = InMemoryWorkflowLedger()
      return Array(repeating: ledger, count: count)
    case .postgres:
      let location = try PostgresTestServer.scratchSchema(removedWith: directory)
      return try (0..<count).map { _ in try PostgresWorkflowLedger(location: location) }
    }
  }
}
