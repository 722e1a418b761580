import Foundation
import Testing

@testable import LedgerDomain

/// Extra fields parsed back into values: strict, exact number text, decoded strings.
@Suite struct JSONValueTests {
  @Test func parsesNestedValuesKeepingNumberText() throws {
    let value = try JSONValue(parsing: #" [1, "a" ,{"b":null,"c":{"d":[true,false,-0.50,1E+2]}}, {}, []] "#)
    #expect(
      value
        == .array([
          .number("1"), .string("a"),
          .object([
            "b": .null,
            "c": .object(["d": .array([.bool(true), .bool(false), .number("-0.50"), .number("1E+2")])]),
          ]),
          .object([:]), .array([]),
        ]))
  }

  @Test(arguments: [
    "0", "-0", "1.50", "1E+2", "-12.5e-3", "123456789012345678901234567890123456789012345", "1e400",
  ])
  func keepsANumberAsWritten(text: String) throws {
    #expect(try JSONValue(parsing: text) == .number(text))
  }

  @Test func decodesEscapesIncludingSurrogatePairs() throws {
    let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\ud83d\ude00 é€""#)
    #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\t\u{00}\u{1F}é😀 é€"))
    #expect(try JSONValue(parsing: #"{"k\u0041":"v"}"#) == .object(["kA": .string("v")]))
  }

  /// Every value the event decoder accepts as an extra field parses to the value Foundation
  /// reads from the same text.
  @Test(arguments: [
    "{}", "[]", #"[1,-0,0.5e-3,1E+2,-1.5E10,0e0]"#, #""\"\\\/\b\f\n\r\t\u0000\u00e9\ud83d\ude00""#,
    #"{"nested":{"a":[true,false,null]},"b":{}}"#, "[ 1 ,\t2 ]", #""é€😀""#, "0", "-0", "1.0e0",
    #"{"a":1,"b":{"a":1}}"#, "123456789012345678901234567890", "\"\u{7F}\"",
  ])
  func everyAcceptedExtraParsesAsFoundationReadsIt(text: String) throws {
    let event = try decode(eventLine(["x": text])).get()
    let value = try #require(event.extras.first).value()
    let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
    #expect(Self.sameValue(value, foundation), "\(value) vs \(foundation)")
  }

  @Test(arguments: [
    ("", "the line ends at byte offset 0, expected a value"),
    ("[1,]", "trailing comma before ']' at byte offset 3"),
    (#"{"a":1,}"#, "trailing comma before '}' at byte offset 7"),
    ("1 2", "unexpected text after the value at byte offset 2"),
    (#"{"a":{"b":1,"\u0062":2}}"#, #"repeated key "b" at byte offset 12"#),
    (#""\x""#, "invalid escape '\\' followed by 'x' at byte offset 1"),
    ("NaN", "unexpected 'N' at byte offset 0, expected a value (NaN and Infinity are not JSON numbers)"),
    (
      String(repeating: "[", count: 129) + String(repeating: "]", count: 129),
      "objects and arrays nest deeper than 128 levels at byte offset 128"
    ),
  ])
  func refusesTextThatIsNotOneStrictJSONValue(text: String, detail: String) {
    #expect(throws: JSONValueError.invalid(text: text, detail: detail)) { try JSONValue(parsing: text) }
  }

  @Test func errorQuotesTheTextAndSaysWhy() {
    let error = JSONValueError.invalid(text: "[1,]", detail: "trailing comma before ']' at byte offset 3")
    #expect(error.description == #""[1,]" is not one JSON value: trailing comma before ']' at byte offset 3"#)
  }

  /// Whether `value` equals what `JSONSerialization` read (numbers compared as `Double`).
  static func sameValue(_ value: JSONValue, _ foundation: Any) -> Bool {
    switch value {
    case .string(let text): return foundation as? String == text
    case .number(let text): return (foundation as? NSNumber)?.doubleValue == Double(text)
    case .bool(let flag): return (foundation as? NSNumber).map { $0 == NSNumber(value: flag) } ?? false
    case .null: return foundation is NSNull
    case .array(let elements):
      guard let array = foundation as? [Any], array.count == elements.count else { return false }
      return zip(elements, array).allSatisfy { sameValue($0, $1) }
    case .object(let members):
      guard let object = foundation as? [String: Any], Set(object.keys) == Set(members.keys) else { return false }
      return members.allSatisfy { key, member in object[key].map { sameValue(member, $0) } ?? false }
    }
  }
}
