import Testing

@testable import LedgerConsole

/// The help overlay fits small terminals: every action's key is on screen, nothing runs past
/// the box.
@Suite struct HelpFitTests {
  @Test(arguments: [(60, 20), (80, 24), (40, 12)])
  func everyKeyOfTheHelpIsOnScreen(columns: Int, rows: Int) {
    var state = Fixtures.state(rows: rows, columns: columns)
    _ = state.press(.character("?"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }
    let help = text.joined(separator: "\n")
    #expect(help.contains("Keys"), "\(help)")
    let keys = ConsoleAction.all.filter { $0.screens.contains(.lines) }
    let shown = keys.filter { action in text.contains { $0.contains("  " + action.keyLabel.padded(to: 9)) } }
    // Every key is shown, or the help says exactly how many did not fit.
    if shown.count < keys.count {
      #expect(help.contains("… \(keys.count - shown.count) more key"), "\(help)")
    }
    #expect(shown.count >= min(keys.count, 2), "\(help)")
    // Nothing is cut at the box's edge: the closing line and every explanation fit.
    #expect(help.contains("Esc or ? closes this help"), "\(help)")
    #expect(!help.contains("names the firs"), "\(help)")
    #expect(text.allSatisfy { $0.count <= columns })
  }
}
