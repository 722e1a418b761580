import LedgerDomain

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
  /// Only lines of this kind (`v` cycles through the kinds present; nil: every line).
  public var kind: EventKind?
  /// Only lines whose id, kind, amount, currency, source, reason or author contain this text,
  /// ignoring case (`s`; empty: every line).
  public var search: String = ""
  /// Columns of the lines table scrolled off to the left (←/→).
  public var columnOffset: Int = 0

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

  /// Whether a kind or a search narrows the lines.
  public var isFiltered: Bool { kind != nil || !search.isEmpty }

  /// The lines shown: every line, or those of `kind` matching `search`.
  public func visibleLines(_ detail: ArtifactDetail) -> [Event] {
    guard isFiltered else { return detail.lines }
    let needle = search.lowercased()
    return detail.lines.filter { event in
      if let kind, event.kind != kind { return false }
      guard !needle.isEmpty else { return true }
      let fields = [
        event.id, event.kind.rawValue, event.currency.format(event.amount), event.currency.code,
        event.origin.description, event.reason ?? "", event.author ?? "",
      ]
      return fields.contains { $0.lowercased().contains(needle) }
    }
  }

  /// What narrows the lines, in words (`corrections`, `"abc"`), or nil.
  public var filterLabel: String? {
    var parts: [String] = []
    if let kind { parts.append(kind == .correction ? "corrections" : "\(kind.rawValue) lines") }
    if !search.isEmpty { parts.append("matching \"\(search)\"") }
    return parts.isEmpty ? nil : parts.joined(separator: ", ")
  }

  /// The next kind filter: every line, then each kind present in order, then every line again.
  public func nextKind(_ detail: ArtifactDetail) -> EventKind? {
    let present = EventKind.allCases.filter { kind in detail.lines.contains { $0.kind == kind } }
    guard let current = kind, let index = present.firstIndex(of: current) else { return present.first }
    return index + 1 < present.count ? present[index + 1] : nil
  }
}
