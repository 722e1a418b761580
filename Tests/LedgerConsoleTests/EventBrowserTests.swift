import Testing

@testable import LedgerConsole

/// `e` opens the events: the newest selected, arrows move, `k` filters by kind, Enter shows one
/// event whole (a long one is wrapped, not cut).
@Suite struct EventBrowserTests {
  static func state() -> ConsoleState {
    var snapshot = Fixtures.snapshot
    snapshot.feed = [
      FeedItem(time: Fixtures.t0, kind: .info, text: "batch 1 takes 1 input batch"),
      FeedItem(
        time: Fixtures.t0, kind: .reject,
        text: "batch 1: 2 lines rejected (first: web/a.jsonl:7 " + String(repeating: "very long reason ", count: 12)
          + "END)", job: 1),
      FeedItem(time: Fixtures.t0, kind: .failure, text: "batch 2 process failed after 3 attempts"),
    ]
    var state = Fixtures.state(rows: 24, columns: 100)
    _ = state.on(.snapshot(snapshot))
    return state
  }

  func browser(_ state: ConsoleState) -> EventBrowser? {
    if case .events(let browser) = state.overlay { return browser }
    return nil
  }

  @Test func eOpensOnTheNewestAndArrowsMove() {
    var state = Self.state()
    _ = state.press(.character("e"))
    #expect(browser(state)?.selected == 2)
    _ = state.press(.up, .up, .up)
    #expect(browser(state)?.selected == 0)
    _ = state.press(.character("G"))
    #expect(browser(state)?.selected == 2)
    _ = state.press(.escape)
    #expect(state.overlay == nil)
  }

  @Test func kFiltersByKindAndEnterShowsTheWholeText() {
    var state = Self.state()
    _ = state.press(.character("e"), .character("k"))
    #expect(browser(state)?.kind == .retry)
    _ = state.press(.character("k"), .character("k"))
    #expect(browser(state)?.kind == .reject)
    _ = state.press(.enter)
    #expect(browser(state)?.opened == true)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }.joined(separator: "\n")
    #expect(text.contains("Event 1 of 1 — reject only"), "\(text)")
    #expect(text.contains("END)"), "\(text)")  // the end of the long text is on screen
    _ = state.press(.escape)
    #expect(browser(state)?.opened == false)
    #expect(state.overlay != nil)
  }

  /// Enter on a reject event loads its batch's rejected lines and shows file, line, rule,
  /// reason and the line's text.
  @Test func aRejectOpensItsFileLineRuleAndText() {
    var state = Self.state()
    _ = state.press(.character("e"), .up)
    #expect(state.press(.enter) == [.loadRejects(job: 1)])
    let loaded = ConsoleEffectRunner(backend: FakeBackend()).perform(.loadRejects(job: 1))
    guard let loaded else { return }
    _ = state.on(loaded)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }.joined(separator: "\n")
    #expect(text.contains("web/a.jsonl:7 [malformed-amount] amount \"1e3\" is not an exact decimal number"), "\(text)")
    #expect(text.contains(#"{"id":"x","amount":1e3}"#), "\(text)")
  }
}
