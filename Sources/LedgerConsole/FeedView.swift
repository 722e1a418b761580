/// The event pane: recent retries, failures, rejects and corrections, newest at the bottom.
struct FeedView {
  let items: [FeedItem]
  let glyphs: GlyphSet

  /// Draws a rule with the pane title on the first row and the newest items below it.
  func draw(into screen: inout ScreenModel, rows: Range<Int>) {
    guard let first = rows.first else { return }
    let title = String(repeating: glyphs.horizontal, count: 2) + " events "
    let rule = title + String(repeating: glyphs.horizontal, count: max(0, screen.width - title.count))
    screen.put(rule, row: first, column: 0, role: .label)
    let capacity = rows.count - 1
    for (offset, item) in items.suffix(capacity).enumerated() {
      let row = first + 1 + offset
      let role = Self.role(of: item.kind)
      var x = screen.put(" " + ConsoleTime.time(item.time) + " ", row: row, column: 0, role: .label)
      x = screen.put(item.kind.rawValue.uppercased().padded(to: 11), row: row, column: x, role: role)
      screen.put(item.text, row: row, column: x, role: role == .info ? .normal : role)
    }
  }

  /// The role of a feed entry kind.
  static func role(of kind: FeedItem.Kind) -> ScreenRole {
    switch kind {
    case .retry: .stageRetrying
    case .failure: .error
    case .reject: .warning
    case .correction: .correction
    case .info: .info
    }
  }
}
