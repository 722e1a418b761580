/// A write `InMemoryWorkflowLedger` refuses where `SQLiteWorkflowLedger` fails a constraint.
public enum InMemoryWorkflowLedgerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// An input batch of this source and name is already registered (or was passed twice).
  case duplicateInputBatch(source: String, name: String)

  /// What failed, with the values, and what to do.
  public var description: String {
    switch self {
    case .duplicateInputBatch(let source, let name):
      "input batch \"\(name)\" of source \"\(source)\" is already registered; check "
        + "`inputBatches(source:)` before registering (the inbox scanner refuses repeated names)"
    }
  }
}
