/// The correction form: one row per field with its inline error under it.
struct CorrectionFormView {
  /// Width of the field label column.
  static let labelWidth = 12

  /// The line under the title, longest first; the first that fits is shown.
  static let help = [
    " A correction is one signed line (source \"corrections\"): -12.50 books a credit of 12.50.",
    " One signed line (source \"corrections\"): -12.50 books a credit of 12.50.",
    " -12.50 books a credit of 12.50.",
  ]

  let form: CorrectionForm
  let busy: Bool

  /// Draws into rows `top..<bottom`.
  func draw(into screen: inout ScreenModel, top: Int, bottom: Int) {
    screen.fill(row: top, role: .header)
    screen.put(" Correction for order \(form[.orderID])", row: top, column: 0, role: .header)
    let help = Self.help.first { $0.count <= screen.width } ?? Self.help.last ?? ""
    screen.put(help, row: top + 1, column: 0, role: .label)
    var row = top + 3
    for field in CorrectionForm.Field.allCases where row < bottom {
      let focused = field == form.focus
      let x = screen.put(
        " " + field.label.padded(to: Self.labelWidth - 1), row: row, column: 0,
        role: focused ? .title : .label)
      let width = max(10, min(60, screen.width - x - 2))
      let text = Array(form[field])
      // The window scrolls so the cursor stays in view; an unfocused field shows its end.
      let cursor = focused ? min(form.cursor, text.count) : text.count
      let start = max(0, min(cursor - width + 1, text.count - width + 1))
      var visible = String(text[min(start, text.count)..<min(text.count, start + width)])
      // At the end the cursor is an underscore, in the middle the highlighted character.
      if focused && cursor == text.count { visible += "_" }
      screen.put(
        "[" + visible.padded(to: width) + "]", row: row, column: x, role: focused ? .inputFocused : .input)
      if focused && cursor < text.count {
        screen.paint(row: row, column: x + 1 + cursor - start, count: 1, role: .selection)
      }
      if let error = form.errors[field] {
        screen.put(error, row: row + 1, column: x + 1, role: .error)
      }
      row += 2
    }
    if busy, row < bottom {
      screen.put(" submitting…", row: row, column: 0, role: .info)
    }
  }
}
