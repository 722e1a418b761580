import LedgerStorage

/// Maps an error thrown by a stage to its failure kind and an actionable message.
enum FailureClassifier {
  static func classify(_ error: any Error, stage: Stage) -> StageFailure {
    if let failure = error as? StageFailure { return failure }
    if let sqlite = error as? SQLiteError {
      let text = "\(sqlite)"
      let busy = text.contains("busy") || text.contains("locked")
      return StageFailure(kind: busy ? .contention : .transientIO, stage: stage, message: text)
    }
    if let io = error as? EngineIOError {
      return StageFailure(kind: .transientIO, stage: stage, message: io.description)
    }
    if let storage = error as? StorageError {
      return StageFailure(kind: kind(of: storage), stage: stage, message: storage.description)
    }
    return StageFailure(kind: .internalError, stage: stage, message: "\(error)")
  }

  private static func kind(of error: StorageError) -> FailureKind {
    switch error {
    case .ioFailed, .shortRead: .transientIO
    case .engineLockHeld: .contention
    case .partAlreadyExists, .writerClosed, .invalidLocation, .recordTooLarge, .directoryNotUsable:
      .internalError
    default: .corruptData
    }
  }
}
