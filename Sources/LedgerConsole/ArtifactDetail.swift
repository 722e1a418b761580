import LedgerDomain

/// One artifact as the lookup view shows it: summary, every line, where it is stored.
public struct ArtifactDetail: Sendable, Equatable {
  /// Balances, counts and version.
  public var summary: ArtifactSummary
  /// Every accepted line, in arrival order.
  public var lines: [Event]
  /// Where this version is stored, e.g. `parts/000012.part@4096+812`.
  public var location: String
  /// The stateful batch that last wrote it.
  public var version: UInt64

  /// Creates an artifact detail.
  public init(summary: ArtifactSummary, lines: [Event], location: String, version: UInt64) {
    self.summary = summary
    self.lines = lines
    self.location = location
    self.version = version
  }
}

/// The outcome of looking up one order id.
public enum ArtifactLookup: Sendable, Equatable {
  /// The artifact exists.
  case found(ArtifactDetail)
  /// No artifact for this order id.
  case notFound(String)
  /// The lookup failed (I/O, corruption); the text says why.
  case error(String)
}
