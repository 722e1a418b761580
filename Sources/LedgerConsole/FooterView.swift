/// The two bottom rows: the message / prompt / follow line and the key bar built from the
/// action list.
struct FooterView {
  let state: ConsoleState
  let glyphs: GlyphSet

  /// Draws the message row at `height - 2` and the key bar at `height - 1`.
  func draw(into screen: inout ScreenModel) {
    drawMessage(into: &screen, row: screen.height - 2)
    drawKeys(into: &screen, row: screen.height - 1)
  }

  private func drawMessage(into screen: inout ScreenModel, row: Int) {
    screen.fill(row: row, role: .status)
    if case .lookupPrompt(let text) = state.overlay {
      let x = screen.put(" order id: ", row: row, column: 0, role: .title)
      screen.put(text + "_", row: row, column: x, role: .inputFocused)
      return
    }
    if case .searchPrompt(let text) = state.overlay {
      let x = screen.put(" search lines: ", row: row, column: 0, role: .title)
      screen.put(text + "_", row: row, column: x, role: .inputFocused)
      return
    }
    let room = screen.width - 1
    if let message = state.visibleMessage {
      screen.put(
        " " + message.text.truncated(to: room, ellipsis: glyphs.ellipsis), row: row, column: 0,
        role: message.role)
    } else if let batch = state.following, let snapshot = state.snapshot {
      let status = snapshot.followStatus(of: batch, now: state.now, glyphs: glyphs)
      screen.put(
        " " + Self.fitted(status.text, naming: batch, width: room, glyphs: glyphs),
        row: row, column: 0, role: status.role)
    }
  }

  /// A follow status in `width` characters: the batch name loses its middle first, so where
  /// the batch is (`indexed in batch #12 ✓`) stays readable.
  static func fitted(_ text: String, naming batch: String, width: Int, glyphs: GlyphSet) -> String {
    let excess = text.count - width
    guard excess > 0 else { return text }
    let short = batch.truncatedMiddle(to: max(12, batch.count - excess), ellipsis: glyphs.ellipsis)
    return text.replacing(batch, with: short).truncated(to: width, ellipsis: glyphs.ellipsis)
  }

  private func drawKeys(into screen: inout ScreenModel, row: Int) {
    screen.fill(row: row, role: .footer)
    var x = 1
    for action in ConsoleAction.footer(on: state.screen.kind, readOnly: state.readOnly) {
      x = screen.put(action.keyLabel, row: row, column: x, role: .footerKey)
      x = screen.put(" " + action.label + "  ", row: row, column: x, role: .footer)
    }
    var right = state.themeName.map { "theme \($0) " } ?? ""
    if state.readOnly { right = "READ-ONLY " + right }
    if x + right.count < screen.width {
      screen.put(right, row: row, column: screen.width - right.count, role: .footer)
    }
  }
}
