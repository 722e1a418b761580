import LedgerDomain
import Testing

@testable import LedgerConsole

@Suite struct CorrectionFormTests {
  func form(
    order: String = "ORD-1", amount: String = "-12.50", currency: String = "USD",
    reason: String = "refund not booked", author: String = "ana"
  ) -> CorrectionForm {
    var form = CorrectionForm(orderID: order, currency: currency)
    form[.amount] = amount
    form[.reason] = reason
    form[.author] = author
    return form
  }

  @Test func aValidFormBuildsTheDraftInMinorUnits() {
    #expect(
      form().validate()
        == .success(
          CorrectionDraft(
            orderID: "ORD-1", amount: -1250, amountText: "-12.50", currency: .usd,
            reason: "refund not booked", author: "ana")))
  }

  @Test(arguments: [
    ("1.000", "USD", "amount \"1.000\" has more than the 2 minor-unit digits of USD"),
    ("1.5", "JPY", "amount \"1.5\" has more than the 0 minor-unit digits of JPY"),
    (
      "1,50", "USD",
      "amount \"1,50\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol)"
    ),
    (
      "1e3", "USD",
      "amount \"1e3\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol)"
    ),
    (
      "+5", "USD",
      "amount \"+5\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol)"
    ),
    ("", "USD", "field \"amount\" must not be empty"),
    ("92233720368547758.08", "USD", "amount \"92233720368547758.08\" does not fit in 64-bit minor units"),
  ])
  func rejectsAmountsAsIngestDoes(amount: String, currency: String, message: String) {
    #expect(form(amount: amount, currency: currency).validate().errors[.amount] == message)
  }

  @Test func acceptsTheSmallestAndLargestAmounts() {
    #expect(form(amount: "92233720368547758.07").validate().draft?.amount == Int64.max)
    #expect(form(amount: "-92233720368547758.08").validate().draft?.amount == Int64.min)
    #expect(form(amount: "1.250", currency: "BHD").validate().draft?.amount == 1250)
  }

  @Test(arguments: [
    ("usd", "currency \"usd\" is not an ISO 4217 alphabetic code"),
    (
      "XAU",
      "currency \"XAU\" is an ISO 4217 code without a minor unit (a metal, a fund or a test code): its amounts cannot be kept exactly in minor units"
    ),
    ("", "field \"currency\" must not be empty"),
  ])
  func rejectsCurrenciesAsIngestDoes(currency: String, message: String) {
    let errors = form(currency: currency).validate().errors
    #expect(errors[.currency] == message)
    #expect(errors[.amount] == nil, "a well-formed amount is not blamed for a bad currency")
  }

  @Test func aMalformedAmountIsReportedEvenWithABadCurrency() {
    #expect(
      form(amount: "abc", currency: "ZZZ").validate().errors[.amount]
        == "amount \"abc\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol)"
    )
  }

  @Test func orderIDMustBeNonEmptyAndAtMost128Bytes() {
    #expect(form(order: "").validate().errors[.orderID] == "field \"order_id\" must not be empty")
    #expect(form(order: String(repeating: "a", count: 128)).validate().draft != nil)
    #expect(
      form(order: String(repeating: "é", count: 65)).validate().errors[.orderID]
        == "field \"order_id\" is 130 bytes, longer than the 128-byte limit")
  }

  @Test func reasonAndAuthorAreRequired() {
    let errors = form(reason: "", author: "").validate().errors
    #expect(errors[.reason] == "field \"reason\" must not be empty")
    #expect(errors[.author] == "field \"author\" must not be empty")
    #expect(errors.count == 2)
  }

  @Test func errorsDescribeEveryFieldInOrder() {
    guard case .failure(let errors) = form(order: "", amount: "x", author: "").validate() else {
      Issue.record("expected errors")
      return
    }
    #expect(
      errors.description
        == "order id: field \"order_id\" must not be empty; amount: amount \"x\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol); author: field \"author\" must not be empty"
    )
  }
}

extension Result where Success == CorrectionDraft, Failure == CorrectionFormErrors {
  var errors: [CorrectionForm.Field: String] {
    if case .failure(let errors) = self { return errors.byField }
    return [:]
  }

  var draft: CorrectionDraft? {
    if case .success(let draft) = self { return draft }
    return nil
  }
}
