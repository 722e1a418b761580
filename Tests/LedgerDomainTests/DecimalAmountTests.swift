import Testing

@testable import LedgerDomain

@Suite struct DecimalAmountTests {
  @Test(
    arguments: [
      ("0", 2, 0), ("12.5", 2, 1250), ("12.50", 2, 1250), ("-12.5", 2, -1250), ("007", 0, 7), ("-0", 2, 0),
      ("-0.00", 2, 0), ("0.001", 3, 1), ("100", 0, 100), ("1", 4, 10_000), ("92233720368547758.07", 2, Int64.max),
      ("-92233720368547758.08", 2, Int64.min), ("9223372036854775807", 0, Int64.max),
      ("-9223372036854775808", 0, Int64.min), ("922337203685477.5807", 4, Int64.max),
    ] as [(String, Int, Int64)])
  func parsesExactDecimalTextIntoMinorUnits(text: String, digits: Int, minorUnits: Int64) {
    #expect(DecimalAmount.parse(text, minorUnits: digits) == .success(minorUnits))
    #expect(DecimalAmount.parse(Array(text.utf8)[...], minorUnits: digits) == .success(minorUnits))
  }

  @Test(arguments: [
    "", "-", "+1", ".5", "1.", "1..2", "1.2.3", "1e3", " 1", "1 ", "--1", "1-", "0x1", "1,5", "-.5", "١", "1.-5",
  ])
  func refusesTextThatIsNotExactDecimal(text: String) {
    #expect(DecimalAmount.parse(text, minorUnits: 2) == .failure(.malformed))
  }

  @Test(arguments: [("1.000", 2), ("0.1", 0), ("1.00000", 4), ("0.0000", 3), ("99999999999999999999.999", 2)])
  func refusesMoreFractionDigitsThanMinorUnitsCountingTheDigitsAsWritten(text: String, digits: Int) {
    #expect(DecimalAmount.parse(text, minorUnits: digits) == .failure(.tooManyDigits(allowed: digits)))
  }

  @Test(arguments: [
    ("92233720368547758.08", 2), ("-92233720368547758.09", 2), ("9223372036854775808", 0),
    ("-9223372036854775809", 0), ("100000000000000000000000", 0), ("922337203685477.5808", 4),
    ("18446744073709551615", 0), ("18446744073709551616", 0), ("184467440737095516160", 0), ("100000000000000000", 2),
  ])
  func refusesAmountsOutsideSigned64BitMinorUnits(text: String, digits: Int) {
    #expect(DecimalAmount.parse(text, minorUnits: digits) == .failure(.outOfRange))
  }

  @Test(
    arguments: [
      (0, 2, "0.00"), (5, 2, "0.05"), (-5, 2, "-0.05"), (1250, 2, "12.50"), (-1250, 2, "-12.50"), (100, 0, "100"),
      (-100, 0, "-100"), (1250, 3, "1.250"), (1, 4, "0.0001"), (10_000, 4, "1.0000"),
      (Int64.max, 2, "92233720368547758.07"),
      (Int64.min, 2, "-92233720368547758.08"), (Int64.min, 0, "-9223372036854775808"),
    ] as [(Int64, Int, String)])
  func formatsWithExactlyTheCurrencysDigits(amount: Int64, digits: Int, text: String) {
    #expect(DecimalAmount.format(amount, minorUnits: digits) == text)
    #expect(DecimalAmount.parse(text, minorUnits: digits) == .success(amount))
  }

  @Test func formatsThroughTheCurrency() {
    #expect(Currency.usd.format(-1250) == "-12.50")
    #expect(Currency(isoCode: "JPY")?.format(100) == "100")
    #expect(Currency(isoCode: "BHD")?.format(1250) == "1.250")
  }
}
