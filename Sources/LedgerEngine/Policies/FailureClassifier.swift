import LedgerStorage
import LedgerSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

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
      return StageFailure(kind: .transientIO, stage: stage, message: io.description + advice(for: io))
    }
    return StageFailure(kind: .internalError, stage: stage, message: "\(error)")
  }

  /// What to do about a file-system failure beyond waiting, where the failure says more. An
  /// artifact part that is not there is retried (on a shared file system a file another host
  /// just wrote may not be visible yet) but is most often lost: the key index names it, so the
  /// store is not whole until it is restored or rebuilt.
  static func advice(for io: FileSystemError) -> String {
    let name = io.path.split(separator: "/").last.map(String.init) ?? io.path
    guard io.errno == ENOENT, PartNames.isArtifactPart(name), name.hasSuffix(".part") else { return "" }
    return "; the key index names this part file for current artifacts: if it was deleted or lost, "
      + "the store is not whole — `ledgerline verify` lists what is missing; restore parts/ from the "
      + "backup the key index came from, or rebuild the store from archive/ (`ledgerline rebuild`)"
  }
}
