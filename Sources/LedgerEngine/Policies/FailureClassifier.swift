import LedgerStorage
import LedgerSystem

/// Maps an error thrown by a stage to its failure kind and an actionable message.
///
/// Storage adapters classify their own errors by code (``ClassifiedFailure``: SQLite by result
/// code, PostgreSQL by SQLSTATE); the file-system layer and our own error types are switched
/// over here. Anything else is a broken invariant.
enum FailureClassifier {
  static func classify(_ error: any Error, stage: Stage) -> StageFailure {
    if let failure = error as? StageFailure { return failure }
    if let classified = error as? any ClassifiedFailure {
      return StageFailure(kind: classified.failureKind, stage: stage, message: "\(error)")
    }
    if let io = error as? FileSystemError {
      // Every file-system failure may clear (space freed, a mount back, permissions fixed);
      // the retry policy gives up after its attempts and the batch waits for an operator.
      return StageFailure(kind: .transientIO, stage: stage, message: io.description)
    }
    return StageFailure(kind: .internalError, stage: stage, message: "\(error)")
  }
}
