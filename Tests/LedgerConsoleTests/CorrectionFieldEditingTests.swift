import Testing

@testable import LedgerConsole

/// Form fields edit like a shell line: a cursor, Home/End, Ctrl-A/E/U/K/W, and a window that
/// scrolls so a 258-character order id can be seen while it is typed.
@Suite struct CorrectionFieldEditingTests {
  func form(_ text: String) -> CorrectionForm {
    var form = CorrectionForm(orderID: "", currency: "")
    form[.orderID] = text
    return form
  }

  @Test func charactersInsertAtTheCursorAndBackspaceDeletesBeforeIt() {
    var form = form("ORD1")
    #expect(form.edit(.left) && form.edit(.character("-")))
    #expect(form[.orderID] == "ORD-1")
    #expect(form.edit(.home) && form.edit(.backspace))
    #expect(form[.orderID] == "ORD-1")
    #expect(form.edit(.right) && form.edit(.backspace) && form[.orderID] == "RD-1")
    #expect(form.edit(.end) && form.edit(.character("9")) && form[.orderID] == "RD-19")
  }

  @Test func controlKeysMoveAndDeleteLikeAShell() {
    var form = form("refund late fee")
    #expect(form.edit(.control("w")) && form[.orderID] == "refund late ")
    #expect(form.edit(.control("a")) && form.cursor == 0)
    #expect(form.edit(.control("k")) && form[.orderID] == "")
    form[.orderID] = "abc def"
    _ = form.edit(.left)
    _ = form.edit(.left)
    #expect(form.edit(.control("u")) && form[.orderID] == "ef" && form.cursor == 0)
    #expect(form.edit(.control("e")) && form.cursor == 2)
    #expect(!form.edit(.tab) && !form.edit(.enter))
  }

  @Test func aLongOrderIDScrollsToKeepTheCursorInView() {
    let id = (0..<258).map { String($0 % 10) }.joined()
    var state = Fixtures.state(columns: 80)
    state.screen = .correction
    var form = form(id)
    state.form = form
    var screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let end = screen.text(row: 3)
    #expect(end.contains("567_]"), "\(end)")  // the end of the id, then the cursor
    for _ in 0..<250 { _ = form.edit(.left) }
    state.form = form
    screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let middle = screen.text(row: 3)
    // The cursor is on character 8 now: the window moved back to the start to show it.
    #expect(middle.contains("[0123456789"), "\(middle)")
    #expect(screen.cell(row: 3, column: 13 + 8).role == .selection)
    #expect(screen.cell(row: 3, column: 13 + 7).role == .inputFocused)
  }
}
