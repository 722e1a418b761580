import LedgerDomain
import Testing

@testable import LedgerConsole

@Suite struct ConsoleStateCorrectionTests {
  /// The artifact ORD-1 is on screen (two currencies, so the currency is not prefilled).
  func onArtifact() -> ConsoleState {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    _ = state.type("ORD-1")
    _ = state.press(.enter)
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(Fixtures.artifact)))
    return state
  }

  /// The form filled with a valid USD correction.
  func filled() -> ConsoleState {
    var state = onArtifact()
    _ = state.press(.character("c"))
    _ = state.type("-5.00")
    _ = state.press(.tab)
    _ = state.type("USD")
    _ = state.press(.tab)
    _ = state.type("fee refunded")
    _ = state.press(.down)
    _ = state.type("ana")
    return state
  }

  @Test func cPrefillsTheOrderIDAndFocusesTheAmount() {
    var state = onArtifact()
    _ = state.press(.character("c"))
    #expect(state.screen == .correction)
    #expect(state.form?[.orderID] == "ORD-1")
    #expect(state.form?[.currency] == "")
    #expect(state.form?.focus == .amount)
  }

  @Test func aSingleCurrencyArtifactPrefillsTheCurrency() {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    _ = state.type("ORD-1")
    _ = state.press(.enter)
    var detail = Fixtures.artifact
    detail.summary.totals = [.usd: CurrencyTotals(balance: 5, debits: 5, credits: 0)]
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(detail)))
    _ = state.press(.character("c"))
    #expect(state.form?[.currency] == "USD")
  }

  @Test func lettersAreTypedIntoTheFormNotTreatedAsKeys() {
    var state = onArtifact()
    _ = state.press(.character("c"))
    #expect(state.type("q?r") == [])
    #expect(state.form?[.amount] == "q?r")
    #expect(state.screen == .correction)
  }

  @Test func submittingAnInvalidFormShowsInlineErrorsAndFocusesTheFirst() {
    var state = onArtifact()
    _ = state.press(.character("c"))
    _ = state.type("1.000")
    #expect(state.press(.enter) == [])
    #expect(state.overlay == nil)
    #expect(
      state.form?.errors
        == [
          .currency: "field \"currency\" must not be empty",
          .reason: "field \"reason\" must not be empty",
          .author: "field \"author\" must not be empty",
        ])
    #expect(state.form?.focus == .currency)
    #expect(state.visibleMessage?.text == "3 fields to fix before submitting")
  }

  @Test func typingIntoAFieldClearsItsError() {
    var state = onArtifact()
    _ = state.press(.character("c"), .enter)
    #expect(state.form?.focus == .amount)
    _ = state.type("5")
    #expect(state.form?.errors[.amount] == nil)
    #expect(state.form?.errors[.currency] == "field \"currency\" must not be empty")
  }

  @Test func aValidFormAsksForConfirmationWithCancelFocused() {
    var state = filled()
    #expect(state.press(.enter) == [])
    guard case .confirm(let dialog) = state.overlay else {
      Issue.record("expected a confirmation")
      return
    }
    #expect(dialog.title == "Submit correction for order ORD-1?")
    #expect(
      dialog.lines == [
        "amount: -5.00 USD", "reason: fee refunded", "author: ana",
        "A one-line batch is written to the inbox and to the audit log.",
      ])
    #expect(dialog.confirmFocused == false)
    #expect(state.press(.enter) == [], "Enter on the default button cancels")
    #expect(state.screen == .correction)
  }

  @Test func confirmingSubmitsTheDraft() {
    var state = filled()
    let effects = state.press(.enter, .tab, .enter)
    #expect(
      effects == [
        .submitCorrection(
          CorrectionDraft(
            orderID: "ORD-1", amount: -500, amountText: "-5.00", currency: .usd,
            reason: "fee refunded", author: "ana"))
      ])
    #expect(state.busy)
  }

  @Test func aSubmittedCorrectionIsFollowedAndTheArtifactReloaded() {
    var state = filled()
    _ = state.press(.enter, .tab, .enter)
    let effects = state.on(.correctionFinished(.success("20261127T104500Z_20261127T104501Z.jsonl")))
    #expect(effects == [.lookup(orderID: "ORD-1")])
    #expect(state.screen == .artifact)
    #expect(state.form == nil)
    #expect(state.following == "20261127T104500Z_20261127T104501Z.jsonl")
    #expect(state.visibleMessage?.text == "submitted as 20261127T104500Z_20261127T104501Z.jsonl")
  }

  @Test func aRefusedCorrectionKeepsTheForm() {
    var state = filled()
    _ = state.press(.enter, .tab, .enter)
    _ = state.on(.correctionFinished(.failure(.io("disk full"))))
    #expect(state.screen == .correction)
    #expect(state.form?[.author] == "ana")
    #expect(state.busy == false)
    #expect(
      state.visibleMessage?.text
        == "could not write: disk full; check the data directory and try again")
  }

  @Test func escapeLeavesTheFormForTheArtifact() {
    var state = onArtifact()
    _ = state.press(.character("c"), .escape)
    #expect(state.screen == .artifact)
    #expect(state.form == nil)
  }

  @Test func shiftTabAndUpMoveFocusBackwardsAndWrap() {
    var state = onArtifact()
    _ = state.press(.character("c"), .backTab, .up)
    #expect(state.form?.focus == .author)
  }
}
