import LedgerDomain
import Testing

@testable import LedgerConsole

@Suite struct ConsoleStateArtifactTests {
  @Test func slashOpensThePromptAndEnterLooksUp() {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    #expect(state.overlay == .lookupPrompt(""))
    _ = state.type("ORD-1x")
    _ = state.press(.backspace)
    #expect(state.overlay == .lookupPrompt("ORD-1"))
    #expect(state.press(.enter) == [.lookup(orderID: "ORD-1")])
    #expect(state.screen == .artifact)
    #expect(state.overlay == nil)
    #expect(state.artifact?.inFlight == true)
  }

  @Test func typedLettersGoToThePromptNotToActions() {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    #expect(state.type("qrc?") == [])
    #expect(state.overlay == .lookupPrompt("qrc?"))
  }

  @Test func emptyOrderIDIsNotLookedUp() {
    var state = Fixtures.state()
    #expect(state.press(.character("/"), .enter) == [])
    #expect(state.visibleMessage?.text == "type an order id, then Enter (Esc cancels)")
  }

  @Test func escapeCancelsThePrompt() {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    _ = state.type("A")
    _ = state.press(.escape)
    #expect(state.overlay == nil)
    #expect(state.screen == .lines)
  }

  func lookedUp() -> ConsoleState {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    _ = state.type("ORD-1")
    _ = state.press(.enter)
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(Fixtures.artifact)))
    return state
  }

  @Test func theOpenArtifactIsLookedUpAgainEachSecond() {
    var state = lookedUp()
    var snapshot = Fixtures.snapshot
    #expect(state.on(.snapshot(snapshot)) == [])
    snapshot.takenAt = Fixtures.t0 + 1
    #expect(state.on(.snapshot(snapshot)) == [.lookup(orderID: "ORD-1")])
    snapshot.takenAt = Fixtures.t0 + 3
    #expect(state.on(.snapshot(snapshot)) == [], "no second lookup while one is in flight")
  }

  @Test func aNewerVersionReplacesTheArtifactAndSaysSo() {
    var state = lookedUp()
    var newer = Fixtures.artifact
    newer.version = 14
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(newer)))
    #expect(state.artifact?.detail?.version == 14)
    #expect(state.visibleMessage?.text == "order ORD-1 updated to version 14")
  }

  @Test func answersForAnotherOrderAreIgnored() {
    var state = lookedUp()
    _ = state.on(.lookupFinished(orderID: "OTHER", .notFound("OTHER")))
    #expect(state.artifact?.detail == Fixtures.artifact)
  }

  /// Three lines fit on the screen: nothing scrolls.
  @Test(arguments: [
    ([ConsoleKey.down], 0), ([.down, .down, .down, .down], 0), ([.character("G")], 0),
    ([.pageDown, .character("g")], 0),
  ])
  func linesThatFitDoNotScroll(keys: [ConsoleKey], expected: Int) {
    var state = lookedUp()
    for key in keys { _ = state.on(.key(key)) }
    #expect(state.artifact?.scroll == expected)
  }

  /// 100 lines: `G` shows the last full page, not a lone last line.
  @Test func longArtifactsScrollToTheLastFullPage() {
    var state = lookedUp()
    var detail = Fixtures.artifact
    let line = detail.lines[0]
    detail.lines = (0..<100).map { i in
      var copy = line
      copy.id = "line-\(i)"
      return copy
    }
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(detail)))
    let last = 100 - state.pageSize
    #expect(last > 0)
    _ = state.on(.key(.down))
    #expect(state.artifact?.scroll == 1)
    _ = state.on(.key(.character("G")))
    #expect(state.artifact?.scroll == last)
    _ = state.on(.key(.character("k")))
    #expect(state.artifact?.scroll == last - 1)
    _ = state.on(.key(.character("g")))
    #expect(state.artifact?.scroll == 0)
  }

  @Test func noLookupRefreshOnOtherScreens() {
    var state = lookedUp()
    _ = state.press(.escape)
    var snapshot = Fixtures.snapshot
    snapshot.takenAt = Fixtures.t0 + 5
    #expect(state.on(.snapshot(snapshot)) == [])
  }
}
