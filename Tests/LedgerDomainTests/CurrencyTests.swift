import Testing

@testable import LedgerDomain

@Suite struct CurrencyTests {
  /// ISO 4217 List One codes with numeric minor units (as of the 2025 amendments), plus the
  /// superseded codes the table still books (ANG, CUC, SLL, ZWL) during their phase-out.
  static let expected: [Int: Set<String>] = [
    0: [
      "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
      "XPF",
    ],
    3: ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"],
    4: ["CLF", "UYW"],
    2: Set(
      """
      AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF
      CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ
      GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK
      MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB
      SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD
      USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL
      """.split(whereSeparator: \.isWhitespace).map(String.init)),
  ]

  @Test func booksExactlyTheISO4217CodesWithTheirMinorUnits() {
    var found: [Int: Set<String>] = [:]
    let letters = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { Character(Unicode.Scalar($0)) }
    for a in letters {
      for b in letters {
        for c in letters {
          if let currency = Currency(isoCode: String([a, b, c])) {
            found[currency.minorUnits, default: []].insert(currency.code)
          }
        }
      }
    }
    #expect(found == Self.expected)
  }

  @Test(arguments: [
    ("JPY", 0), ("KRW", 0), ("CLP", 0), ("ISK", 0), ("VND", 0), ("BHD", 3), ("KWD", 3), ("OMR", 3), ("JOD", 3),
    ("TND", 3), ("IQD", 3), ("LYD", 3), ("CLF", 4), ("UYW", 4), ("USD", 2), ("EUR", 2), ("GBP", 2),
  ])
  func hasTheMinorUnitsTheSpecNames(code: String, digits: Int) {
    #expect(Currency(isoCode: code) == Currency(code: code, minorUnits: digits))
  }

  @Test(arguments: [
    "usd", "Usd", "XAU", "XAG", "XPT", "XPD", "XDR", "XXX", "XTS", "XSU", "XUA", "XBA", "HRK", "", "US", "USDD",
  ])
  func refusesCodesThatAreNotBookableUppercaseISO4217(code: String) {
    #expect(Currency(isoCode: code) == nil)
  }

  /// Currencies key every summary's totals: equal values must hash alike, and codes that share
  /// a prefix, or a code with different minor units, must stay distinct keys.
  @Test func hashingAgreesWithEqualityAndKeepsCodesApart() {
    let codes = ["USD", "EUR", "JPY", "US", "USDX", "ABCDEFGHIJ", "ABCDEFGHIK", ""]
    var totals: [Currency: Int] = [:]
    for (n, code) in codes.enumerated() {
      totals[Currency(code: code, minorUnits: 2)] = n
      totals[Currency(code: code, minorUnits: 3)] = 100 + n
    }
    #expect(totals.count == codes.count * 2)
    for (n, code) in codes.enumerated() {
      #expect(totals[Currency(code: String(code), minorUnits: 2)] == n)
      #expect(totals[Currency(code: code, minorUnits: 3)] == 100 + n)
    }
    #expect(Currency(code: "USD", minorUnits: 2).hashValue == Currency.usd.hashValue)
  }

  @Test func describesAndOrdersByCode() throws {
    let eur = try #require(Currency(isoCode: "EUR"))
    #expect(Currency.usd == Currency(isoCode: "USD"))
    #expect(eur < .usd)
    #expect(eur.description == "EUR")
  }
}
