/// What the event loop must do after the state machine handled an event.
public enum ConsoleEffect: Sendable, Equatable {
  /// Look up an artifact (off the UI thread); answer with `.lookupFinished`.
  case lookup(orderID: String)
  /// Submit a correction (audited); answer with `.correctionFinished`.
  case submitCorrection(CorrectionDraft)
  /// Retry a failed job (audited); answer with `.retryFinished`.
  case retry(job: UInt64)
  /// Set input `input` (`source/name`) of failed job `job` aside (audited); answer with
  /// `.quarantineFinished`.
  case quarantine(job: UInt64, input: String)
  /// Load the rejected lines of `job`; answer with `.rejectsLoaded`.
  case loadRejects(job: UInt64)
  /// Leave the console.
  case quit
  /// Leave the correction form, dropping what was typed (the state does it when the question is
  /// answered; never reaches the loop).
  case leaveForm
}
