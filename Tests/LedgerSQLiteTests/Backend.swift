import LedgerSQLite
import LedgerStorage
import LedgerTesting
import Testing

/// The implementations of the storage ports the contract tests run the same assertions against.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
  /// A fresh SQLite file in a temporary directory.
  case sqlite
  /// A new in-memory double from LedgerTesting.
  case inMemory

  var testDescription: String { rawValue }

  /// A fresh, empty key index (its file, if any, in `directory`, which must outlive it).
  func keyIndex(in directory: TemporaryDirectory) throws -> any KeyIndex {
    switch self {
    case .sqlite: try SQLiteKeyIndex(path: directory.file("index.sqlite"))
    case .inMemory: InMemoryKeyIndex()
    }
  }

  /// A fresh, empty workflow ledger (its file, if any, in `directory`, which must outlive it).
  func workflowLedger(in directory: TemporaryDirectory) throws -> any WorkflowLedger {
    switch self {
    case .sqlite: try SQLiteWorkflowLedger(path: directory.file("ledger.sqlite"))
    case .inMemory: InMemoryWorkflowLedger()
    }
  }
}
