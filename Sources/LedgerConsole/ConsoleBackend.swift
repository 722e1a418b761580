/// What the console needs from the engine. Calls may block briefly; `snapshot()` must be cheap.
public protocol ConsoleBackend: Sendable {
  /// A value copy of the engine's current state.
  func snapshot() -> ConsoleSnapshot
  /// Looks up one artifact by order id.
  func lookup(orderID: String) -> ArtifactLookup
  /// Submits a validated correction as a one-line batch; returns the batch file name created.
  func submitCorrection(_ correction: CorrectionDraft) -> Result<String, ConsoleActionError>
  /// Retries a failed stateful batch.
  func retry(job: UInt64) -> Result<Void, ConsoleActionError>
  /// The rejected lines of batch `job`, in file and line order.
  func rejects(job: UInt64) -> Result<[RejectedLine], ConsoleActionError>
  /// Sets input `input` (`source/name`) of failed batch `job` aside; the rest runs again.
  func quarantine(job: UInt64, input: String) -> Result<Void, ConsoleActionError>
}
