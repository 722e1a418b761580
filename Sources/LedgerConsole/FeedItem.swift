/// One entry of the event pane: a retry, failure, reject, correction or plain information.
public struct FeedItem: Sendable, Equatable {
  /// What kind of thing happened.
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    case retry, failure, reject, correction, info
  }

  /// When it happened, seconds since the epoch.
  public var time: Int64
  /// The kind of entry.
  public var kind: Kind
  /// The text shown.
  public var text: String

  /// The batch it concerns, if any (a reject event opens that batch's rejected lines).
  public var job: UInt64?

  /// Creates a feed item.
  public init(time: Int64, kind: Kind, text: String, job: UInt64? = nil) {
    self.time = time
    self.kind = kind
    self.text = text
    self.job = job
  }
}
