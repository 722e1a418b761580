/// The stages of the assembly line, in the order a stateful batch (job) passes through them.
public enum Stage: String, Sendable, CaseIterable, Comparable, Codable {
  /// Validate, quarantine rejects, reduce events by order id into stateless part files.
  case reduce
  /// Look up the key index and fetch the current artifacts by byte range.
  case prefetch
  /// Join, apply the business rules, write new artifacts into part files.
  case process
  /// Record the new locations in the key index and refresh the cache.
  case index

  public static func < (lhs: Stage, rhs: Stage) -> Bool {
    allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
  }

  /// The stage after this one, or `nil` after `index`.
  public var next: Stage? {
    switch self {
    case .reduce: .prefetch
    case .prefetch: .process
    case .process: .index
    case .index: nil
    }
  }
}
