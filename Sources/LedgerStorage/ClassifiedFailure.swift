/// An error that knows which ``FailureKind`` it is, so the engine's retry policy never has to
/// guess from an error's text. Storage adapters conform their errors by code.
public protocol ClassifiedFailure: Error {
  /// The failure class that decides retry or wait-for-operator.
  var failureKind: FailureKind { get }
}
