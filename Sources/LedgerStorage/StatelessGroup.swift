import LedgerDomain

/// The validated events of one order from one stateless batch, in arrival order: what the
/// stateless stage writes and the process stage joins with the current artifact.
public struct StatelessGroup: Sendable, Equatable {
  /// The artifact key; every event's `orderID` equals it.
  public var orderID: String
  /// The events, in arrival order.
  public var events: [Event]

  /// A group of `events` for `orderID`.
  public init(orderID: String, events: [Event]) {
    self.orderID = orderID
    self.events = events
  }
}
