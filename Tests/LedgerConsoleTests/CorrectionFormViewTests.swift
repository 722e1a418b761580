import Testing

@testable import LedgerConsole

@Suite struct CorrectionFormViewTests {
  func render(_ form: CorrectionForm, busy: Bool = false) -> ScreenModel {
    var state = Fixtures.state(columns: 100)
    state.screen = .correction
    state.form = form
    state.busy = busy
    return ConsoleRenderer.render(state, glyphs: .unicode)
  }

  @Test func showsEveryFieldWithTheFocusedOneMarked() {
    var form = CorrectionForm(orderID: "ORD-1", currency: "USD")
    form[.amount] = "-5"
    let screen = render(form)
    #expect(screen.text(row: 0) == " Correction for order ORD-1")
    #expect(screen.text(row: 3).hasPrefix(" order id   [ORD-1"))
    #expect(screen.text(row: 5).hasPrefix(" amount     [-5_"))
    #expect(screen.text(row: 7).hasPrefix(" currency   [USD"))
    #expect(screen.text(row: 9).hasPrefix(" reason     ["))
    #expect(screen.text(row: 11).hasPrefix(" author     ["))
    #expect(screen.text(row: 3).hasSuffix("]"))
    #expect(screen.role(of: "[-5_") == .inputFocused)
    #expect(screen.role(of: "[ORD-1") == .input)
    #expect(screen.role(of: "amount ") == .title)
  }

  @Test func inlineErrorsAppearUnderTheirField() {
    var form = CorrectionForm(orderID: "ORD-1", currency: "USD")
    form[.amount] = "1.000"
    form.errors = form.validate().errors
    let screen = render(form)
    #expect(screen.text(row: 6) == "             amount \"1.000\" has more than the 2 minor-unit digits of USD")
    #expect(screen.text(row: 10) == "             field \"reason\" must not be empty")
    #expect(screen.role(of: "amount \"1.000\"") == .error)
  }

  @Test func footerOffersSubmitNextAndBack() {
    let screen = render(CorrectionForm(orderID: "ORD-1"))
    #expect(screen.text(row: 29).hasPrefix(" Esc back  Tab/↓ next  Enter submit"))
  }

  @Test func showsSubmitting() {
    #expect(render(CorrectionForm(orderID: "ORD-1"), busy: true).text(row: 13) == " submitting…")
  }

  @Test(arguments: [
    (100, " A correction is one signed line (source \"corrections\"): -12.50 books a credit of 12.50."),
    (80, " One signed line (source \"corrections\"): -12.50 books a credit of 12.50."),
    (40, " -12.50 books a credit of 12.50."),
  ])
  func theExplanationIsTheLongestThatFits(columns: Int, expected: String) {
    var state = Fixtures.state(columns: columns)
    state.screen = .correction
    state.form = CorrectionForm(orderID: "ORD-1", currency: "USD")
    #expect(ConsoleRenderer.render(state, glyphs: .unicode).text(row: 1) == expected)
  }
}
