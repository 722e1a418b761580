/// A snapshot of an `ArtifactCache`'s counters.
public struct ArtifactCacheStats: Sendable, Equatable {
  /// Lookups that found their location.
  public var hits: Int
  /// Lookups that did not.
  public var misses: Int
  /// Entries dropped to stay within the byte budget.
  public var evictions: Int
  /// Entries held now.
  public var entries: Int
  /// Bytes charged by the entries held now.
  public var bytes: Int
  /// The byte budget.
  public var capacity: Int

  /// Counters with the given values.
  public init(hits: Int, misses: Int, evictions: Int, entries: Int, bytes: Int, capacity: Int) {
    self.hits = hits
    self.misses = misses
    self.evictions = evictions
    self.entries = entries
    self.bytes = bytes
    self.capacity = capacity
  }
}
