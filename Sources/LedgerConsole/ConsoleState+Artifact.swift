extension ConsoleState {
  /// How often an open artifact is looked up again to catch a newer version, in seconds.
  static let artifactRefreshSeconds: Int64 = 1

  /// Keys while the order-id prompt is open.
  mutating func onPromptKey(_ key: ConsoleKey, _ text: String) -> [ConsoleEffect] {
    switch key {
    case .character(let character):
      overlay = .lookupPrompt(text + String(character))
    case .backspace:
      overlay = .lookupPrompt(String(text.dropLast()))
    case .escape:
      overlay = nil
    case .enter:
      let orderID = text
      guard !orderID.isEmpty else {
        post("type an order id, then Enter (Esc cancels)", role: .warning)
        return []
      }
      overlay = nil
      return startLookup(orderID)
    default:
      break
    }
    return []
  }

  /// Columns one ←/→ moves the lines table.
  static let columnStep = 8

  /// Keys while the artifact's search prompt is open: Enter applies (empty clears), Esc cancels.
  mutating func onSearchKey(_ key: ConsoleKey, _ text: String) -> [ConsoleEffect] {
    switch key {
    case .character(let character): overlay = .searchPrompt(text + String(character))
    case .backspace: overlay = .searchPrompt(String(text.dropLast()))
    case .control("u"): overlay = .searchPrompt("")
    case .escape: overlay = nil
    case .enter:
      overlay = nil
      guard var pane = artifact else { return [] }
      pane.search = text
      pane.scroll = 0
      artifact = pane
      announceArtifactFilter(pane)
    default: break
    }
    return []
  }

  /// `v` on the artifact: the next kind of line (every line after the last kind).
  mutating func cycleArtifactKind() {
    guard var pane = artifact, let detail = pane.detail else { return }
    pane.kind = pane.nextKind(detail)
    pane.scroll = 0
    artifact = pane
    announceArtifactFilter(pane)
  }

  private mutating func announceArtifactFilter(_ pane: ArtifactPane) {
    guard let detail = pane.detail else { return }
    let shown = pane.visibleLines(detail).count
    if let label = pane.filterLabel {
      post("\(shown) of \(detail.lines.count) lines: \(label) (v kind, s search)", role: .info)
    } else {
      post("every line shown (\(detail.lines.count))", role: .info)
    }
  }

  /// ←/→ on the artifact: the lines table moves by `delta` columns, within its widest line.
  mutating func scrollArtifactColumns(by delta: Int) {
    guard var pane = artifact, let detail = pane.detail else { return }
    let lines = pane.visibleLines(detail)
    let visible = lines.dropFirst(pane.scroll).prefix(max(1, pageSize))
    let table = ArtifactView.LineColumns(visible, width: columns)
    let widest = visible.map { table.row($0, ellipsis: "…").count }.max() ?? 0
    pane.columnOffset = min(max(0, widest - columns + 1), max(0, pane.columnOffset + delta))
    artifact = pane
  }

  /// Opens the artifact screen on `orderID` and asks for it.
  mutating func startLookup(_ orderID: String) -> [ConsoleEffect] {
    navigate(to: .artifact)
    artifact = ArtifactPane(orderID: orderID, requestedAt: now)
    return [.lookup(orderID: orderID)]
  }

  /// While the artifact screen is open, looks the order up again once a second so that a
  /// newer version (e.g. after a correction is indexed) shows without a key press.
  mutating func refreshArtifactIfDue() -> [ConsoleEffect] {
    guard screen == .artifact, var pane = artifact, !pane.inFlight,
      now - pane.requestedAt >= Self.artifactRefreshSeconds
    else { return [] }
    pane.inFlight = true
    pane.requestedAt = now
    artifact = pane
    return [.lookup(orderID: pane.orderID)]
  }

  mutating func onLookupFinished(orderID: String, result: ArtifactLookup) {
    guard var pane = artifact, pane.orderID == orderID else { return }
    let previous = pane.detail?.version
    pane.inFlight = false
    pane.result = result
    if let detail = pane.detail {
      pane.scroll = min(pane.scroll, max(0, detail.lines.count - 1))
      if let previous, detail.version > previous {
        post("order \(orderID) updated to version \(detail.version)", role: .success)
      }
    }
    artifact = pane
  }
}
