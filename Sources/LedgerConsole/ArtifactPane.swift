/// The artifact lookup screen's state: which order, the latest answer, scrolling, refresh.
public struct ArtifactPane: Sendable, Equatable {
  /// The order id looked up.
  public var orderID: String
  /// The latest answer (`nil` until the first one arrives).
  public var result: ArtifactLookup?
  /// Index of the first line shown.
  public var scroll: Int
  /// Whether a lookup is running.
  public var inFlight: Bool
  /// When the last lookup was requested (seconds since the epoch).
  public var requestedAt: Int64

  /// A pane for `orderID` with a lookup requested at `now`.
  public init(orderID: String, requestedAt now: Int64) {
    self.orderID = orderID
    result = nil
    scroll = 0
    inFlight = true
    requestedAt = now
  }

  /// The detail when the artifact was found.
  public var detail: ArtifactDetail? {
    if case .found(let detail) = result { return detail }
    return nil
  }
}
