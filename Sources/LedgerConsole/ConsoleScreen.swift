/// The main view the console shows (overlays such as help and dialogs sit on top).
public enum ConsoleScreen: Sendable, Equatable, Hashable {
  /// Home: jobs × stages.
  case lines
  /// One stateful batch in detail.
  case batchDetail(seq: UInt64)
  /// One artifact, looked up by order id.
  case artifact
  /// The correction form.
  case correction

  /// The screen's kind, for matching actions.
  public var kind: Kind {
    switch self {
    case .lines: .lines
    case .batchDetail: .batchDetail
    case .artifact: .artifact
    case .correction: .correction
    }
  }

  /// Screen kinds without associated values.
  public enum Kind: Sendable, Hashable, CaseIterable {
    case lines, batchDetail, artifact, correction
  }
}
