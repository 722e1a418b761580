import Testing

@testable import LedgerDomain

/// One test per field rule of SPEC §2, each parameterised over the values that break it.
@Suite struct EventFieldRuleTests {
  @Test(arguments: ["id", "order_id", "kind", "amount", "currency", "ts"])
  func rejectsALineWithoutARequiredField(field: String) {
    #expect(rejection(eventLine([field: nil])) == .missingField(field))
    #expect(
      RejectReason.missingField(field).description == "required field \"\(field)\" is missing")
  }

  @Test(arguments: [
    ("id", "1", "a string"), ("id", "null", "a string"), ("order_id", "[\"o1\"]", "a string"),
    ("kind", "true", "a string"), ("currency", "840", "a string"), ("ts", "1795773600", "a string"),
    ("amount", "null", "a string or a number"), ("amount", "true", "a string or a number"),
    ("amount", "{\"v\":1}", "a string or a number"), ("amount", "[1]", "a string or a number"),
    ("entity", "1", "a string or null"), ("memo", "{}", "a string or null"),
    ("reason", "false", "a string or null"), ("author", "[]", "a string or null"),
  ])
  func rejectsAFieldOfTheWrongJSONType(field: String, value: String, expected: String) {
    #expect(rejection(eventLine([field: value])) == .wrongType(field: field, expected: expected))
  }

  @Test func wrongTypeMessageNamesTheExpectedType() {
    #expect(
      RejectReason.wrongType(field: "amount", expected: "a string or a number").description
        == "field \"amount\" must be a string or a number")
  }

  @Test(arguments: ["id", "order_id"])
  func rejectsAnEmptyIdentifier(field: String) {
    #expect(rejection(eventLine([field: #""""#])) == .emptyField(field))
  }

  @Test(arguments: [
    ("id", String(repeating: "x", count: 129), 129), ("order_id", String(repeating: "€", count: 43), 129),
    ("id", String(repeating: "x", count: 5000), 5000),
  ])
  func rejectsAnIdentifierLongerThan128Bytes(field: String, value: String, bytes: Int) {
    #expect(
      rejection(eventLine([field: "\"\(value)\""]))
        == .fieldTooLong(field: field, bytes: bytes, limit: 128))
  }

  @Test func acceptsAnIdentifierOfExactly128BytesCountedAfterUnescaping() throws {
    let event = try decode(
      eventLine(["id": "\"" + String(repeating: "x", count: 126) + #"\u00e9""#])
    ).get()
    #expect(event.id.utf8.count == 128)
    #expect(
      rejection(eventLine(["id": "\"" + String(repeating: "x", count: 127) + #"\u20ac""#]))
        == .fieldTooLong(field: "id", bytes: 130, limit: 128))
  }

  @Test(arguments: ["Charge", "refunds", "", " charge", "CHARGE", "correction "])
  func rejectsAKindThatIsNotOneOfTheEventKinds(kind: String) {
    #expect(rejection(eventLine(["kind": "\"\(kind)\""])) == .unknownKind(kind))
  }

  @Test(arguments: EventKind.allCases.filter { $0 != .correction })
  func acceptsEveryEventKind(kind: EventKind) {
    #expect(accepted(eventLine(["kind": "\"\(kind.rawValue)\""]))?.kind == kind)
  }

  @Test(arguments: [
    (#""1e3""#, "1e3"), ("1e3", "1e3"), ("-0.5e1", "-0.5e1"), ("1E2", "1E2"), (#""+1""#, "+1"),
    (#"".5""#, ".5"), (#""1.""#, "1."), (#""1,00""#, "1,00"), (#"" 1""#, " 1"), (#""""#, ""),
    (#""0x10""#, "0x10"), (#""--1""#, "--1"), (#""1.2.3""#, "1.2.3"), (#""١""#, "١"),
  ])
  func rejectsAnAmountThatIsNotExactDecimalText(amount: String, quoted: String) {
    #expect(rejection(eventLine(["amount": amount])) == .malformedAmount(quoted))
  }

  @Test(arguments: [
    ("\"1.000\"", "USD", 2), ("1.000", "USD", 2), ("\"1.5\"", "JPY", 0), ("\"0.0001\"", "KWD", 3),
    ("\"1.00000\"", "CLF", 4),
  ])
  func rejectsAnAmountWithMoreDigitsThanTheCurrency(amount: String, currency: String, allowed: Int) {
    let text = amount.replacingQuotes()
    #expect(
      rejection(eventLine(["amount": amount, "currency": "\"\(currency)\""]))
        == .tooManyAmountDigits(amount: text, currency: currency, allowed: allowed))
  }

  @Test func tooManyDigitsMessageQuotesAmountAndCurrency() {
    #expect(
      RejectReason.tooManyAmountDigits(amount: "1.000", currency: "USD", allowed: 2).description
        == "amount \"1.000\" has more than the 2 minor-unit digits of USD")
  }

  @Test(arguments: [
    ("\"92233720368547758.08\"", "USD"), ("\"-92233720368547758.09\"", "USD"),
    ("9223372036854775808", "JPY"), ("\"99999999999999999999999\"", "JPY"), ("\"922337203685477.5808\"", "CLF"),
  ])
  func rejectsAnAmountThatDoesNotFitIn64BitMinorUnits(amount: String, currency: String) {
    #expect(
      rejection(eventLine(["amount": amount, "currency": "\"\(currency)\""]))
        == .amountOutOfRange(amount.replacingQuotes()))
  }

  @Test(
    arguments: [
      ("USD", 2, 1250), ("JPY", 0, 12), ("BHD", 3, 12_500), ("CLF", 4, 125_000), ("KRW", 0, 12),
    ] as [(String, Int, Int64)])
  func scalesTheAmountToTheCurrencysMinorUnits(code: String, digits: Int, minorUnits: Int64) throws {
    let amount = digits == 0 ? "12" : "12.5"
    let event = try decode(eventLine(["amount": "\"\(amount)\"", "currency": "\"\(code)\""])).get()
    #expect(event.amount == minorUnits)
    #expect(event.currency == Currency(code: code, minorUnits: digits))
  }

  @Test(arguments: ["usd", "Usd", "XAU", "XXX", "US", "USDX", "", "U\\u0053D ", "ABC"])
  func rejectsACurrencyThatIsNotAnUppercaseISO4217Code(code: String) {
    let shown = code == "U\\u0053D " ? "USD " : code
    #expect(rejection(eventLine(["currency": "\"\(code)\""])) == .unknownCurrency(shown))
  }

  /// XAU or XXX are ISO 4217 codes, with no minor unit: the reason says so instead of calling
  /// them unknown.
  @Test func aCodeWithoutAMinorUnitIsNamedForWhatItIs() {
    #expect(
      RejectReason.unknownCurrency("XAU").description
        == "currency \"XAU\" is an ISO 4217 code without a minor unit (a metal, a fund or a test code): its amounts cannot be kept exactly in minor units"
    )
    #expect(RejectReason.unknownCurrency("ABC").description == "currency \"ABC\" is not an ISO 4217 alphabetic code")
  }

  @Test(arguments: [
    "2026-11-27", "2026-11-27 10:00:00Z", "2026-11-27T10:00:00", "2023-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T10:00:61Z", "2026-11-27T10:00:00+0530",
    "1795773600", "",
  ])
  func rejectsATimestampThatIsNotRFC3339(ts: String) {
    #expect(rejection(eventLine(["ts": "\"\(ts)\""])) == .invalidTimestamp(ts))
  }

  @Test func keepsTheTimestampAsWritten() {
    #expect(accepted(eventLine(["ts": #""2026-11-27t10:00:00.5+05:30""#]))?.ts == "2026-11-27t10:00:00.5+05:30")
  }

  @Test(
    arguments: [
      ("reason", nil, RejectReason.missingField("reason")), ("reason", "null", .missingField("reason")),
      ("reason", #""""#, .emptyField("reason")), ("author", nil, .missingField("author")),
      ("author", #""""#, .emptyField("author")),
      ("author", "1", .wrongType(field: "author", expected: "a string or null")),
    ] as [(String, String?, RejectReason)])
  func rejectsACorrectionWithoutReasonAndAuthor(field: String, value: String?, reason: RejectReason) {
    var changes: [(String, String?)] = [("kind", #""correction""#), ("reason", #""typo""#), ("author", #""ana""#)]
    changes.append((field, value))
    #expect(rejection(eventLine(pairs: changes)) == reason)
  }

  @Test func acceptsReasonAndAuthorOnAnyKindWithoutRequiringThem() {
    #expect(accepted(eventLine(["kind": #""refund""#, "reason": #""""#]))?.reason == "")
    #expect(accepted(eventLine(["kind": #""refund""#]))?.reason == nil)
  }

  @Test func quotesAtMost64BytesOfALongValue() {
    let kind = String(repeating: "k", count: 100)
    #expect(rejection(eventLine(["kind": "\"\(kind)\""])) == .unknownKind(String(repeating: "k", count: 64) + "…"))
  }

  // MARK: - Check order

  @Test(arguments: [
    (#"{"id":"a","id":"b",}"#, RejectReason.notJSON(detail: "trailing comma before '}' at byte offset 19")),
    (#"[{"a":1,"a":2}]"#, .notAnObject),
    (#"{"id":"a","id":"b"}"#, .duplicateKey("id")),
    (#"{"kind":"nope"}"#, .missingField("id")),
    (eventLine(["id": nil, "order_id": nil]), .missingField("id")),
    (eventLine(["order_id": "1", "kind": #""nope""#]), .wrongType(field: "order_id", expected: "a string")),
    (eventLine(["kind": #""nope""#, "amount": #""x""#]), .unknownKind("nope")),
    (eventLine(["amount": #""x""#, "currency": #""usd""#]), .malformedAmount("x")),
    (eventLine(["amount": #""1.000""#, "currency": #""usd""#]), .unknownCurrency("usd")),
    (
      eventLine(["amount": #""1.000""#, "ts": #""bad""#]),
      .tooManyAmountDigits(amount: "1.000", currency: "USD", allowed: 2)
    ),
    (eventLine(["ts": #""bad""#, "entity": "1"]), .invalidTimestamp("bad")),
    (eventLine(["kind": #""correction""#, "entity": "1"]), .wrongType(field: "entity", expected: "a string or null")),
    (
      eventLine(["kind": #""correction""#, "memo": "1", "reason": #""r""#]),
      .wrongType(field: "memo", expected: "a string or null")
    ),
    (eventLine(["kind": #""correction""#, "author": #""""#]), .missingField("reason")),
  ])
  func reportsTheFirstBrokenRuleInSpecOrder(line: String, reason: RejectReason) {
    #expect(rejection(line) == reason)
  }

  @Test func everyFieldIsKnownByItsExactNameAndNothingElse() {
    for field in KnownField.allCases {
      let name = Array(field.name.utf8)
      name.withUnsafeBufferPointer { #expect(KnownField.named($0) == field) }
      let last = name[name.count - 1]
      var near: [[UInt8]] = [Array(name.dropLast()), name + [0x73], Array(name.dropFirst()) + [name[0]]]
      near.append([name[0] - 0x20] + name.dropFirst())
      near.append(name.dropLast() + [last ^ 1])
      near.append([name[0] ^ 1] + name.dropFirst())
      for other in near {
        other.withUnsafeBufferPointer {
          #expect(KnownField.named($0) == nil, "\(String(decoding: $0, as: UTF8.self))")
        }
      }
    }
    #expect([UInt8]().withUnsafeBufferPointer { KnownField.named($0) } == nil)
  }

  @Test func everyKindIsKnownByItsExactNameAndNothingElse() {
    for kind in EventKind.allCases {
      let name = Array(kind.rawValue.utf8)
      name.withUnsafeBufferPointer { #expect(EventFieldRules.kindNamed($0) == kind) }
      for other in [name.dropLast(), name + [0x73], [name[0] - 0x20] + name.dropFirst(), name.dropFirst() + [name[0]]] {
        Array(other).withUnsafeBufferPointer {
          #expect(EventFieldRules.kindNamed($0) == nil, "\(String(decoding: $0, as: UTF8.self))")
        }
      }
    }
    #expect([UInt8]().withUnsafeBufferPointer { EventFieldRules.kindNamed($0) } == nil)
  }
}

extension String {
  /// The text between a JSON string's quotes (or the text itself for a number).
  fileprivate func replacingQuotes() -> String {
    hasPrefix("\"") ? String(dropFirst().dropLast()) : self
  }
}
