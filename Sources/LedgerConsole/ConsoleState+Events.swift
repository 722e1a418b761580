extension ConsoleState {
  /// Keys while the events browser is open: arrows and PgUp/PgDn/g/G move (here `k` is the kind
  /// filter, not up), Enter opens the selected event whole, Esc closes.
  mutating func onEventsKey(_ key: ConsoleKey, _ browser: EventBrowser) -> [ConsoleEffect] {
    var browser = browser
    let items = browser.shown(snapshot?.feed ?? [])
    let last = max(0, items.count - 1)
    if browser.opened {
      if key == .escape || key == .enter || key == .character("q") {
        browser.opened = false
        browser.rejects = nil
      }
      overlay = .events(browser)
      return []
    }
    switch key {
    case .escape, .character("e"), .character("q"):
      overlay = nil
      return []
    case .up: browser.selected -= 1
    case .down: browser.selected += 1
    case .pageUp: browser.selected -= pageSize
    case .pageDown: browser.selected += pageSize
    case .home, .character("g"): browser.selected = 0
    case .end, .character("G"): browser.selected = last
    case .character("k"):
      browser.kind = EventBrowser.nextKind(after: browser.kind)
      browser.selected = max(0, browser.shown(snapshot?.feed ?? []).count - 1)
    case .enter where items.indices.contains(browser.selected):
      browser.opened = true
      overlay = .events(browser)
      // A reject event opens its batch's rejected lines: file, line, rule, reason, text.
      let item = items[browser.selected]
      if item.kind == .reject, let job = item.job { return [.loadRejects(job: job)] }
      return []
    default:
      break
    }
    browser.selected = min(max(0, browser.selected), max(0, browser.shown(snapshot?.feed ?? []).count - 1))
    overlay = .events(browser)
    return []
  }
}
