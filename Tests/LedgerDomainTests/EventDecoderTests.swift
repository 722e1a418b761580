import Testing

@testable import LedgerDomain

@Suite struct EventDecoderTests {
  @Test func decodesAValidLineIntoExactMinorUnits() throws {
    let event = try decode(eventLine()).get()
    #expect(
      event
        == Event(
          id: "e1", orderID: "o1", kind: .charge, amount: 1250, currency: .usd,
          ts: "2026-11-27T10:00:00Z", origin: testOrigin))
  }

  @Test func decodesEveryOptionalFieldAndEscapes() throws {
    let line = eventLine([
      "id": #""e\u00e9\n\ud83d\ude00""#, "kind": #""correction""#, "entity": #""EU""#,
      "memo": #""a \"quoted\" memo""#, "reason": #""typo""#, "author": #""ana""#,
    ])
    let event = try decode(line).get()
    #expect(event.id == "eé\n😀")
    #expect(event.kind == .correction)
    #expect(event.entity == "EU")
    #expect(event.memo == #"a "quoted" memo"#)
    #expect(event.reason == "typo")
    #expect(event.author == "ana")
    #expect(event.extras.isEmpty)
  }

  @Test func recognisesEscapedKeysAsTheKnownField() throws {
    let line =
      #"{"\u0069d":"e1","order_id":"o1","kind":"fee","amount":"1","currency":"JPY","ts":"2026-11-27T10:00:00Z"}"#
    let event = try decode(line).get()
    #expect(event.id == "e1")
    #expect(event.amount == 1)
    #expect(event.currency == Currency(code: "JPY", minorUnits: 0))
  }

  @Test(
    arguments: [
      (#"12.5"#, 1250), (#""0.01""#, 1), (#"-0"#, 0), (#""-3""#, -300), (#"0"#, 0),
      (#""92233720368547758.07""#, Int64.max), (#""-92233720368547758.08""#, Int64.min),
    ] as [(String, Int64)])
  func acceptsAmountAsStringOrNumber(amount: String, minorUnits: Int64) throws {
    #expect(try decode(eventLine(["amount": amount])).get().amount == minorUnits)
  }

  @Test func treatsNullOptionalFieldsAsAbsent() throws {
    let event = try decode(
      eventLine(["entity": "null", "memo": "null", "reason": "null", "author": "null"])
    ).get()
    #expect(event.entity == nil && event.memo == nil && event.reason == nil && event.author == nil)
  }

  @Test func keepsUnknownFieldsWithTheirExactJSONText() throws {
    let line = eventLine(["tags": #" [1, "a" ,{"b":null}] "#, "ref": #""x\u0041""#, "n": "1E+2"])
    let event = try decode(line).get()
    #expect(
      event.extras == [
        ExtraField(name: "tags", rawJSON: #"[1, "a" ,{"b":null}]"#),
        ExtraField(name: "ref", rawJSON: #""x\u0041""#),
        ExtraField(name: "n", rawJSON: "1E+2"),
      ])
    #expect(event.amount == 1250)
  }

  @Test func acceptsWhitespaceAroundTheObjectIncludingACarriageReturn() {
    #expect(accepted(" \t" + eventLine() + " \r") != nil)
  }

  // MARK: - Line length

  @Test func acceptsALineOfExactly65536Bytes() throws {
    let shell = eventLine(["memo": #""""#])
    let line = eventLine(["memo": "\"" + String(repeating: "m", count: 65_536 - shell.utf8.count) + "\""])
    #expect(line.utf8.count == 65_536)
    #expect(try decode(line).get().memo?.utf8.count == 65_536 - shell.utf8.count)
  }

  @Test func rejectsALineLongerThan64KiBBeforeParsingIt() {
    let shell = eventLine(["memo": #""""#])
    let line = eventLine(["memo": "\"" + String(repeating: "m", count: 65_537 - shell.utf8.count) + "\""])
    #expect(rejection(line) == .lineTooLong(bytes: 65_537))
    // Not UTF-8 and not JSON either: the length is checked first.
    #expect(rejection(bytes: Array(repeating: 0xFF, count: 70_000)) == .lineTooLong(bytes: 70_000))
    #expect(
      RejectReason.lineTooLong(bytes: 65_537).description
        == "line is 65537 bytes, longer than the 65536-byte limit")
  }

  // MARK: - UTF-8

  @Test(
    arguments: [
      ([0xC0, 0xAF], 7), ([0xC1, 0xBF], 7), ([0xE0, 0x80, 0xAF], 7), ([0xF0, 0x80, 0x80, 0xAF], 7),
      ([0xED, 0xA0, 0x80], 7), ([0xED, 0xBF, 0xBF], 7), ([0xF4, 0x90, 0x80, 0x80], 7),
      ([0xF5, 0x80, 0x80, 0x80], 7), ([0xFF], 7), ([0xFE], 7), ([0x80], 7), ([0xE2, 0x82], 7),
      ([0xF0, 0x9F, 0x98], 7), ([0xC3, 0xA9, 0xFF], 9),
      (Array(repeating: UInt8(ascii: "a"), count: 30) + [0xBF], 37),
    ] as [([UInt8], Int)])
  func rejectsIllFormedUTF8AtTheOffsetOfTheBadSequence(bad: [UInt8], offset: Int) {
    let line = Array(#"{"id":""#.utf8) + bad + Array(#"","order_id":"o1"}"#.utf8)
    #expect(rejection(bytes: line) == .invalidUTF8(byteOffset: offset))
  }

  @Test func rejectsASequenceTruncatedByTheEndOfTheLine() {
    #expect(rejection(bytes: Array(#"{"id":""#.utf8) + [0xE2, 0x82]) == .invalidUTF8(byteOffset: 7))
  }

  @Test(
    arguments: [
      [0xF4, 0x8F, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
      [0xC2, 0x80], [0xE0, 0xA0, 0x80], [0xF0, 0x90, 0x80, 0x80],
    ] as [[UInt8]])
  func acceptsWellFormedUTF8AtTheEdgesOfEachRange(good: [UInt8]) throws {
    let line = Array(#"{"id":""#.utf8) + good + Array(("\"," + eventLine(["id": nil]).dropFirst()).utf8)
    let event = try decode(bytes: line).get()
    #expect(Array(event.id.utf8) == good)
  }

  @Test func checksUTF8BeforeJSONSyntax() {
    #expect(rejection(bytes: Array("{\"id\": ".utf8) + [0xFF] + Array(" oops".utf8)) == .invalidUTF8(byteOffset: 7))
    #expect(RejectReason.invalidUTF8(byteOffset: 7).description == "line is not valid UTF-8 (bad byte at offset 7)")
  }
}
