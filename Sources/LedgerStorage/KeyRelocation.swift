/// A compaction move: artifact `orderID` at `version` was copied from `from` to `to`.
public struct KeyRelocation: Sendable, Equatable {
  /// The artifact key.
  public var orderID: String
  /// The version that was copied; the move applies only while it is still current.
  public var version: UInt64
  /// Where the copied record was.
  public var from: ArtifactLocation
  /// Where the copy is.
  public var to: ArtifactLocation

  /// A move of `orderID`@`version` from `from` to `to`.
  public init(orderID: String, version: UInt64, from: ArtifactLocation, to: ArtifactLocation) {
    self.orderID = orderID
    self.version = version
    self.from = from
    self.to = to
  }
}
