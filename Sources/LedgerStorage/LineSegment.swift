import LedgerDomain

/// One append-only segment of an artifact's lines: the events one stateful batch added to it.
public struct LineSegment: Sendable, Equatable {
  /// The artifact key; every event's `orderID` equals it.
  public var orderID: String
  /// The stateful batch that wrote the segment.
  public var version: UInt64
  /// The accepted events, in arrival order.
  public var events: [Event]

  /// A segment of `events` of `orderID` written by batch `version`.
  public init(orderID: String, version: UInt64, events: [Event]) {
    self.orderID = orderID
    self.version = version
    self.events = events
  }
}
