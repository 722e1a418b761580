/// The events pane opened up (`e`): the snapshot's events, newest last, with a selection that
/// ↑/↓/PgUp/PgDn/g/G move, `k` cycling a kind filter, and Enter opening the whole text.
public struct EventBrowser: Sendable, Equatable {
  /// The kind shown, or `nil` for every kind.
  public var kind: FeedItem.Kind?
  /// Index of the selected event among the shown ones (from the oldest).
  public var selected: Int
  /// Whether the selected event is open (its whole text).
  public var opened: Bool
  /// The rejected lines of the opened reject event's batch, once loaded.
  public var rejects: Result<[RejectedLine], ConsoleActionError>?

  /// A browser on the newest event.
  public init(count: Int) {
    kind = nil
    selected = max(0, count - 1)
    opened = false
    rejects = nil
  }

  /// The events shown, oldest first.
  public func shown(_ items: [FeedItem]) -> [FeedItem] {
    guard let kind else { return items }
    return items.filter { $0.kind == kind }
  }

  /// The next kind filter: every kind, then each kind in turn.
  public static func nextKind(after kind: FeedItem.Kind?) -> FeedItem.Kind? {
    let kinds = FeedItem.Kind.allCases
    guard let kind, let index = kinds.firstIndex(of: kind) else { return kinds.first }
    return index + 1 < kinds.count ? kinds[index + 1] : nil
  }
}
