/// Centered boxes on top of a screen: the confirmation dialog and the help overlay.
struct DialogView {
  let glyphs: GlyphSet

  /// A confirmation's lines wrap at this width, so the dialog stays a readable box.
  static let confirmWidth = 76

  /// The widest text a box holds on a screen `screenWidth` wide (two columns inside each edge).
  static func contentLimit(screenWidth: Int) -> Int {
    max(10, screenWidth - 4)
  }

  /// Draws a box of `lines` with `title`, centered; returns its (top row, left column, width).
  @discardableResult
  func box(title: String, lines: [(String, ScreenRole)], into screen: inout ScreenModel)
    -> (row: Int, column: Int, width: Int)
  {
    let content = min(
      max(title.count, lines.map(\.0.count).max() ?? 0), Self.contentLimit(screenWidth: screen.width))
    let width = min(screen.width, content + 4)
    let height = min(screen.height, lines.count + 4)
    let top = max(0, (screen.height - height) / 2)
    let left = max(0, (screen.width - width) / 2)
    let rule = String(repeating: glyphs.horizontal, count: max(0, width))
    for row in top..<(top + height) {
      screen.put(String(repeating: " ", count: width), row: row, column: left, role: .dialog)
    }
    screen.put(rule, row: top, column: left, role: .dialog)
    screen.put(" \(title) ", row: top, column: left + 1, role: .title, maxWidth: width - 2)
    screen.put(rule, row: top + height - 1, column: left, role: .dialog)
    for (offset, line) in lines.enumerated() where top + 2 + offset < top + height - 1 {
      screen.put(line.0, row: top + 2 + offset, column: left + 2, role: line.1, maxWidth: width - 4)
    }
    return (top, left, width)
  }

  /// The confirmation dialog with its two buttons; Cancel is first and focused by default.
  func confirm(_ dialog: Confirmation, into screen: inout ScreenModel) {
    let cancel = "[ Cancel ]"
    let confirm = "[ \(dialog.confirmLabel) ]"
    // Long lines (a batch's many inputs, a long error) wrap inside the box instead of running
    // past the screen's edge.
    let limit = min(Self.confirmWidth, Self.contentLimit(screenWidth: screen.width))
    var lines = dialog.lines.flatMap { $0.wrapped(to: limit) }.map { ($0, ScreenRole.dialog) }
    // The buttons must stay on screen: past the room there is, the text is cut with a note.
    let room = max(1, screen.height - 8)
    if lines.count > room {
      lines = Array(lines.prefix(room - 1)) + [("… (the rest is in the batch detail)", .dialog)]
    }
    lines.append(("", .dialog))
    lines.append((cancel + "  " + confirm, .dialogButton))
    lines.append(("Tab switches, Enter chooses, Esc cancels", .dialog))
    let frame = box(title: dialog.title, lines: lines, into: &screen)
    let buttons = frame.row + 2 + lines.count - 2
    let cancelRole: ScreenRole = dialog.confirmFocused ? .dialogButton : .dialogButtonFocused
    let confirmRole: ScreenRole = dialog.confirmFocused ? .dialogButtonFocused : .dialogButton
    screen.paint(row: buttons, column: frame.column + 2, count: cancel.count, role: cancelRole)
    screen.paint(
      row: buttons, column: frame.column + 2 + cancel.count + 2, count: confirm.count,
      role: confirmRole)
  }

  /// The events browser: a window of events around the selection, or the selected one whole.
  func events(_ browser: EventBrowser, items: [FeedItem], into screen: inout ScreenModel) {
    let shown = browser.shown(items)
    let kind = browser.kind.map { " — \($0.rawValue) only" } ?? ""
    let limit = min(Self.confirmWidth + 20, Self.contentLimit(screenWidth: screen.width))
    var lines: [(String, ScreenRole)] = []
    if browser.opened, shown.indices.contains(browser.selected) {
      let item = shown[browser.selected]
      lines.append((ConsoleTime.time(item.time) + "  " + item.kind.rawValue, FeedView.role(of: item.kind)))
      lines += item.text.wrapped(to: limit).map { ($0, ScreenRole.dialog) }
      switch browser.rejects {
      case .success(let rejected)?:
        lines.append(("", .dialog))
        for reject in rejected.prefix(max(1, (screen.height - 10 - lines.count) / 2)) {
          lines.append(
            (
              "\(reject.file):\(reject.line) [\(reject.rule)] \(reject.reason)".truncated(
                to: limit, ellipsis: glyphs.ellipsis), .warning
            ))
          lines.append(("  " + reject.excerpt.truncated(to: limit - 2, ellipsis: glyphs.ellipsis), .label))
        }
        if rejected.count > (screen.height - 10) / 2 {
          lines.append(("… `ledgerline rejects --batch N` lists them all", .label))
        }
      case .failure(let error)?:
        lines.append((error.description, .error))
      case nil:
        break
      }
      lines.append(("", .dialog))
      lines.append(("Enter or Esc goes back to the list", .dialog))
      box(title: "Event \(browser.selected + 1) of \(shown.count)\(kind)", lines: lines, into: &screen)
      return
    }
    let room = max(1, screen.height - 8)
    let first = max(0, min(browser.selected - room + 1, shown.count - room))
    for (index, item) in shown.enumerated().dropFirst(first).prefix(room) {
      let marker = index == browser.selected ? glyphs.pointer + " " : "  "
      let text = marker + ConsoleTime.time(item.time) + " " + item.kind.rawValue.padded(to: 10) + item.text
      lines.append(
        (
          text.truncated(to: limit, ellipsis: glyphs.ellipsis),
          index == browser.selected ? .selection : FeedView.role(of: item.kind)
        ))
    }
    if shown.isEmpty { lines.append(("no \(browser.kind?.rawValue ?? "") events", .label)) }
    lines.append(("", .dialog))
    lines.append(("↑/↓ move  k kind  Enter open  Esc close", .dialog))
    box(title: "Events (\(shown.count))\(kind)", lines: lines, into: &screen)
  }

  /// The message history: the newest messages that fit, oldest first, each with its time and
  /// wrapped under it, whole (a message is never cut at the box's edge).
  func messages(_ history: [StatusMessage], into screen: inout ScreenModel) {
    let room = max(1, screen.height - 7)
    let limit = min(Self.confirmWidth, Self.contentLimit(screenWidth: screen.width))
    var lines: [(String, ScreenRole)] = []
    for message in history.reversed() {
      let time = ConsoleTime.time(message.postedAt) + "  "
      let wrapped = message.text.wrapped(to: max(8, limit - time.count)).enumerated().map { index, line in
        ((index == 0 ? time : String(repeating: " ", count: time.count)) + line, message.role)
      }
      guard lines.count + wrapped.count <= room else { break }
      lines = wrapped + lines
    }
    if lines.isEmpty, let newest = history.last {
      // Not even the newest fits whole: say so rather than cut it.
      lines.append(("the newest message needs a taller terminal (\(newest.text.count) characters)", .label))
    }
    if lines.isEmpty { lines.append(("no messages yet", .label)) }
    lines.append(("", .dialog))
    lines.append(("Esc or m closes", .dialog))
    box(title: "Messages (\(history.count))", lines: lines, into: &screen)
  }

  /// The help overlay, built from the one action list: the keys of the screen it is opened on,
  /// each explanation wrapped under its key so nothing runs past the box; when the screen is
  /// too short, the last row says how many keys did not fit.
  func help(readOnly: Bool, on kind: ConsoleScreen.Kind, into screen: inout ScreenModel) {
    let keyWidth = 9
    let limit = min(Self.confirmWidth, Self.contentLimit(screenWidth: screen.width))
    var entries: [[(String, ScreenRole)]] = []
    for action in ConsoleAction.all where action.screens.contains(kind) {
      var text = action.help
      if action.dangerous { text += " [confirm, audited]" }
      let refused = readOnly && !action.availableReadOnly
      if refused { text += " (not in read-only)" }
      let role: ScreenRole = refused ? .label : .dialog
      let wrapped = text.wrapped(to: max(8, limit - keyWidth))
      entries.append(
        wrapped.enumerated().map { index, line in
          ((index == 0 ? action.keyLabel : "").padded(to: keyWidth) + line, role)
        })
    }
    let room = max(1, screen.height - 6)
    var lines: [(String, ScreenRole)] = []
    for (index, entry) in entries.enumerated() {
      let left = entries.count - index
      if lines.count + entry.count > room - (left > 1 ? 1 : 0) {
        lines.append(("… \(left) more key\(left == 1 ? "" : "s"): enlarge the terminal", .label))
        break
      }
      lines += entry
    }
    lines.append(("", .dialog))
    lines.append(("Esc or ? closes this help", .dialog))
    box(title: "Keys", lines: lines, into: &screen)
  }
}
