/// A key-index entry written into the part files next to the artifacts, so the key index can be
/// rebuilt from the parts alone: the entry and the event ids it moved to the external id table.
public struct IndexManifestEntry: Sendable, Equatable {
  /// The entry to publish.
  public var entry: IndexEntry
  /// Event ids of `entry.orderID` to record in the external id table.
  public var externalEventIDs: [String]

  /// A manifest entry for `entry` with `externalEventIDs`.
  public init(entry: IndexEntry, externalEventIDs: [String] = []) {
    self.entry = entry
    self.externalEventIDs = externalEventIDs
  }
}
