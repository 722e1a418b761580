import LedgerDomain
import Testing

@testable import LedgerConsole

/// A mistyped order id or a currency new to the order gets a second, plainly worded question
/// before anything is submitted; Cancel is the default of both.
@Suite struct CorrectionSafetyNetTests {
  /// The form filled for `order` in `currency`, opened on the artifact ORD-1 (USD and JPY).
  func filled(order: String? = nil, currency: String) -> ConsoleState {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    _ = state.type("ORD-1")
    _ = state.press(.enter)
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(Fixtures.artifact)))
    _ = state.press(.character("c"))
    if let order {
      _ = state.press(.backTab)  // to the order id
      for _ in 0..<5 { _ = state.press(.backspace) }
      _ = state.type(order)
      _ = state.press(.tab)
    }
    _ = state.type("-5.00")
    _ = state.press(.tab)
    _ = state.type(currency)
    _ = state.press(.tab)
    _ = state.type("fee refunded")
    _ = state.press(.down)
    _ = state.type("ana")
    return state
  }

  func dialogTitle(_ state: ConsoleState) -> String? {
    if case .confirm(let dialog) = state.overlay { return dialog.title }
    return nil
  }

  @Test func aCurrencyNewToTheOrderAsksASecondTime() {
    var state = filled(currency: "EUR")
    #expect(state.press(.enter) == [])
    #expect(dialogTitle(state) == "Submit correction for order ORD-1?")
    #expect(state.press(.tab, .enter) == [])  // confirmed the first question…
    #expect(dialogTitle(state) == "EUR is new to order ORD-1")  // …the second one follows
    #expect(state.press(.enter) == [])  // Cancel is its default too
    #expect(state.overlay == nil)
    #expect(state.press(.enter, .tab, .enter) == [])
    let effects = state.press(.tab, .enter)
    guard case .submitCorrection(let draft)? = effects.first else {
      Issue.record("expected the submission, got \(effects)")
      return
    }
    #expect(draft.currency.code == "EUR" && draft.orderID == "ORD-1")
  }

  @Test func aKnownCurrencyOfAKnownOrderAsksOnce() {
    var state = filled(currency: "USD")
    _ = state.press(.enter)
    let effects = state.press(.tab, .enter)
    #expect(effects.count == 1)
  }

  @Test func anOrderThatDoesNotExistIsLookedUpThenAskedAboutPlainly() throws {
    var state = filled(order: "ORD-X", currency: "USD")
    #expect(state.press(.enter) == [.lookup(orderID: "ORD-X")])
    #expect(state.overlay == nil)
    _ = state.on(.lookupFinished(orderID: "ORD-X", .notFound("ORD-X")))
    #expect(dialogTitle(state) == "Submit correction for order ORD-X?")
    #expect(state.artifact?.orderID == "ORD-1")  // the artifact on screen is not replaced
    _ = state.press(.tab, .enter)
    #expect(dialogTitle(state) == "Order ORD-X does not exist yet")
    guard case .confirm(let dialog) = state.overlay else { return }
    #expect(dialog.lines.contains("Submitting creates it with this one correction line."))
    #expect(dialog.confirmLabel == "Create it")
    let effects = state.press(.tab, .enter)
    #expect(effects.count == 1)
  }

  @Test func leavingTheFormDropsACorrectionWaitingForItsLookup() {
    var state = filled(order: "ORD-X", currency: "USD")
    #expect(state.press(.enter) == [.lookup(orderID: "ORD-X")])
    // Esc asks first (the form holds typed values) and withdraws the waiting submission.
    _ = state.press(.escape)
    #expect(state.pendingCorrection == nil)
    _ = state.on(.lookupFinished(orderID: "ORD-X", .notFound("ORD-X")))
    guard case .confirm(let dialog) = state.overlay else {
      Issue.record("expected the leave question, got \(String(describing: state.overlay))")
      return
    }
    #expect(dialog.effect == .leaveForm)
    _ = state.press(.tab, .enter)
    #expect(state.overlay == nil && state.form == nil)
  }
}
