/// Performs the backend effects of the state machine. Runs off the UI thread; each call answers
/// with the event to feed back into the loop. Auditing is the backend's job (the operator
/// services audit every retry and correction, whichever surface asked).
public struct ConsoleEffectRunner: Sendable {
  let backend: any ConsoleBackend

  /// A runner over `backend`.
  public init(backend: any ConsoleBackend) {
    self.backend = backend
  }

  /// Performs `effect`; `nil` for `.quit`, which the loop handles itself.
  public func perform(_ effect: ConsoleEffect) -> ConsoleEvent? {
    switch effect {
    case .quit, .leaveForm:
      return nil
    case .lookup(let orderID):
      return .lookupFinished(orderID: orderID, backend.lookup(orderID: orderID))
    case .retry(let job):
      if case .failure(let error) = backend.retry(job: job) {
        return .retryFinished(job: job, error: error)
      }
      return .retryFinished(job: job, error: nil)
    case .quarantine(let job, let input):
      if case .failure(let error) = backend.quarantine(job: job, input: input) {
        return .quarantineFinished(job: job, input: input, error: error)
      }
      return .quarantineFinished(job: job, input: input, error: nil)
    case .loadRejects(let job):
      return .rejectsLoaded(job: job, backend.rejects(job: job))
    case .submitCorrection(let draft):
      return .correctionFinished(backend.submitCorrection(draft))
    }
  }
}
