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
    // The line view's keys, each explanation wrapped under its key (76 columns less the key's 9).
    for action in ConsoleAction.all where action.screens.contains(.lines) {
      let text = action.help + (action.dangerous ? " [confirm, audited]" : "")
      let first = text.wrapped(to: 67).first ?? ""
      #expect(screen.find(action.keyLabel.padded(to: 9) + first) != nil, "\(action.id)")
    }
    #expect(screen.find("Tab/↓") == nil)  // the form's keys belong to the form's help
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

  @Test func aRetryOfManyInputsSummarisesThemAndWrapsInsideTheBox() {
    let inputs = ["marketplace", "payments", "royalties", "web-store", "pos", "partners"].map {
      "\($0)/20261127T070930Z_20261127T070932Z.jsonl"
    }
    var snapshot = Fixtures.snapshot
    snapshot.jobs[1].inputs = inputs
    var state = Fixtures.state(rows: 30, columns: 140)
    _ = state.on(.snapshot(snapshot))
    _ = state.press(.up, .up, .character("r"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    for input in inputs.prefix(3) { #expect(screen.find(input) != nil, "\(input)") }
    #expect(screen.find("web-store/") == nil)
    #expect(screen.find("… +3") != nil)
    // Wrapped lines start at the text column under the title.
    let title = screen.find("Retry batch #2?")
    let first = screen.find("6 inputs: marketplace/20261127T070930Z_20261127T070932Z.jsonl,")
    #expect(first?.column == title?.column)
    #expect(first?.row == (title?.row ?? 0) + 2)
    #expect(screen.find("payments/20261127T070930Z_20261127T070932Z.jsonl,")?.column == title?.column)
    #expect(screen.find("[ Cancel ]  [ Retry ]") != nil)
    #expect(screen.role(of: "[ Cancel ]") == .dialogButtonFocused)
  }
}
