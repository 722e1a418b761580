/// The state of one job in one pipeline stage, as the line view shows it.
public enum StageCell: Sendable, Equatable {
  /// Not started yet.
  case pending
  /// Running; `progress` in 0…1 is for display only.
  case running(progress: Double)
  /// Finished successfully.
  case done
  /// Waiting to retry: attempt `attempt` of `of`, next try at `retryAt` (seconds since epoch).
  case retrying(attempt: Int, of: Int, retryAt: Int64)
  /// Failed permanently; waits for an operator.
  case failed(error: String)
}
