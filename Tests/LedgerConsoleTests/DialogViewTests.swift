import Testing

@testable import LedgerConsole

@Suite struct DialogViewTests {
  func confirmScreen(focusConfirm: Bool) -> ScreenModel {
    var state = Fixtures.state(columns: 100)
    _ = state.press(.up, .up, .character("r"))
    if focusConfirm { _ = state.press(.tab) }
    return ConsoleRenderer.render(state, glyphs: .unicode)
  }

  @Test func confirmationShowsWhatWillHappenAndFocusesCancel() {
    let screen = confirmScreen(focusConfirm: false)
    #expect(screen.find("Retry batch #2?") != nil)
    #expect(screen.find("last error: part file checksum mismatch") != nil)
    #expect(screen.find("The failed stages run again. This is written to the audit log.") != nil)
    #expect(screen.role(of: "[ Cancel ]") == .dialogButtonFocused)
    #expect(screen.role(of: "[ Retry ]") == .dialogButton)
    #expect(screen.find("Tab switches, Enter chooses, Esc cancels") != nil)
  }

  @Test func tabMovesTheFocusToConfirm() {
    let screen = confirmScreen(focusConfirm: true)
    #expect(screen.role(of: "[ Cancel ]") == .dialogButton)
    #expect(screen.role(of: "[ Retry ]") == .dialogButtonFocused)
  }

  @Test func helpListsEveryActionFromTheOneList() {
    var state = Fixtures.state(rows: 40)
    _ = state.press(.character("?"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    for action in ConsoleAction.all {
      #expect(screen.find(action.keyLabel.padded(to: 9) + action.help) != nil, "\(action.id)")
    }
    #expect(screen.find("r        retry the selected failed batch (asks first) [confirm, audited]") != nil)
    #expect(screen.find("Esc or ? closes this help") != nil)
  }

  @Test func helpMarksActionsThatReadOnlyRefuses() {
    var state = Fixtures.state(readOnly: true, rows: 40)
    _ = state.press(.character("?"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(
      screen.find("c        open the correction form for this order (not in read-only)") != nil)
    #expect(screen.role(of: "c        open the correction") == .label)
  }
}
