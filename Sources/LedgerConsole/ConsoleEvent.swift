/// Everything that can happen to the console, delivered to ``ConsoleState/on(_:)`` by the one
/// event loop: input, resizes, timer ticks, engine snapshots and results of backend actions.
public enum ConsoleEvent: Sendable, Equatable {
  /// A key was pressed.
  case key(ConsoleKey)
  /// Ctrl-C (SIGINT): quit, after asking when a correction form holds typed values.
  case interrupt
  /// The terminal is now `rows` × `columns`.
  case resize(rows: Int, columns: Int)
  /// The clock ticked; `now` is seconds since the epoch.
  case tick(now: Int64)
  /// A new engine snapshot.
  case snapshot(ConsoleSnapshot)
  /// A lookup requested by a `.lookup` effect finished.
  case lookupFinished(orderID: String, ArtifactLookup)
  /// A correction submitted by a `.submitCorrection` effect finished.
  case correctionFinished(Result<String, ConsoleActionError>)
  /// A retry requested by a `.retry` effect finished; `error` is `nil` on success.
  case retryFinished(job: UInt64, error: ConsoleActionError?)
  /// The rejected lines asked for by a `.loadRejects` effect.
  case rejectsLoaded(job: UInt64, Result<[RejectedLine], ConsoleActionError>)
  /// A quarantine requested by a `.quarantine` effect finished; `error` is `nil` on success.
  case quarantineFinished(job: UInt64, input: String, error: ConsoleActionError?)
}
