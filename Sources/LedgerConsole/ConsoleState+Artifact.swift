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
