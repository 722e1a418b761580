import LedgerStorage

/// A failed stage attempt: what kind, and a message a person can act on.
public struct StageFailure: Error, Sendable, CustomStringConvertible {
  public var kind: FailureKind
  public var stage: Stage
  public var message: String

  public init(kind: FailureKind, stage: Stage, message: String) {
    self.kind = kind
    self.stage = stage
    self.message = message
  }

  public var description: String { "\(stage.rawValue) failed (\(kind.rawValue)): \(message)" }
}
