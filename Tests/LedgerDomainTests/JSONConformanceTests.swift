import Testing

@testable import LedgerDomain

/// RFC 8259 conformance of the scanner: what it refuses (with the exact detail a person reads)
/// and what it accepts.
@Suite struct JSONConformanceTests {
  @Test(arguments: [
    ("", "empty line"),
    ("  \t", "the line holds only whitespace, expected a JSON object"),
    (#"{"a":1,}"#, "trailing comma before '}' at byte offset 7"),
    (#"{"a":[1,2,]}"#, "trailing comma before ']' at byte offset 10"),
    (
      #"{"a":1 // note"#,
      "unexpected '/' at byte offset 7, expected ',' or '}' after an object member (comments are not allowed)"
    ),
    (
      #"{/*c*/"a":1}"#,
      "unexpected '/' at byte offset 1, expected a string key in double quotes (comments are not allowed)"
    ),
    (#"{"a":NaN}"#, "unexpected 'N' at byte offset 5, expected a value (NaN and Infinity are not JSON numbers)"),
    (#"{"a":Infinity}"#, "unexpected 'I' at byte offset 5, expected a value (NaN and Infinity are not JSON numbers)"),
    (#"{"a":-Infinity}"#, "'-' must be followed by a digit at byte offset 5"),
    (
      #"{'a':1}"#,
      #"unexpected "'" at byte offset 1, expected a string key in double quotes (strings and keys need double quotes)"#
    ),
    (#"{"a":'x'}"#, #"unexpected "'" at byte offset 5, expected a value (strings and keys need double quotes)"#),
    (#"{"a":01}"#, "number has a leading zero at byte offset 5"),
    (#"{"a":-01}"#, "number has a leading zero at byte offset 5"),
    (#"{"a":+1}"#, "unexpected '+' at byte offset 5, expected a value (a number must not start with '+')"),
    (#"{"a":.5}"#, "unexpected '.' at byte offset 5, expected a value (a number must start with a digit)"),
    (#"{"a":1.}"#, "'.' must be followed by a digit at byte offset 6"),
    (#"{"a":1.e5}"#, "'.' must be followed by a digit at byte offset 6"),
    (#"{"a":1e}"#, "exponent must have a digit at byte offset 6"),
    (#"{"a":1e+}"#, "exponent must have a digit at byte offset 6"),
    ("{\"a\":\"x\ty\"}", "unescaped control character U+0009 in a string at byte offset 7"),
    ("{\"a\":\"x\u{0}\"}", "unescaped control character U+0000 in a string at byte offset 7"),
    ("{\"a\":\"x\u{1F}\"}", "unescaped control character U+001F in a string at byte offset 7"),
    (#"{"a":"\x"}"#, #"invalid escape '\' followed by 'x' at byte offset 6"#),
    (#"{"a":"\'"}"#, #"invalid escape '\' followed by "'" at byte offset 6"#),
    (#"{"a":"\é"}"#, #"invalid escape '\' followed by U+00E9 at byte offset 6"#),
    (#"{"a":"\u12"}"#, #"'\u' must be followed by four hex digits at byte offset 6"#),
    (#"{"a":"\u12G4"}"#, #"'\u' must be followed by four hex digits at byte offset 6"#),
    (
      #"{"a":"\uD800"}"#,
      #"lone high surrogate \uD800 at byte offset 6 (it must be followed by a low surrogate \uDC00-\uDFFF)"#
    ),
    (
      #"{"a":"\ud83dx"}"#,
      #"lone high surrogate \ud83d at byte offset 6 (it must be followed by a low surrogate \uDC00-\uDFFF)"#
    ),
    (
      #"{"a":"\uD800\u0041"}"#,
      #"lone high surrogate \uD800 at byte offset 6 (it must be followed by a low surrogate \uDC00-\uDFFF)"#
    ),
    (
      #"{"a":"\uD800\uD800"}"#,
      #"lone high surrogate \uD800 at byte offset 6 (it must be followed by a low surrogate \uDC00-\uDFFF)"#
    ),
    (#"{"a":"\uDC00"}"#, #"lone low surrogate \uDC00 at byte offset 6"#),
    (#"{"a":"\"#, #"unterminated string: the line ends after '\' at byte offset 6"#),
    (#"{"a":1} x"#, "unexpected text after the value at byte offset 8"),
    (#"{"a":1}{}"#, "unexpected text after the value at byte offset 7"),
    ("{\"a\":1}\u{0B}", "unexpected text after the value at byte offset 7"),
    (#"{"a":1"#, "the line ends at byte offset 6, expected ',' or '}'"),
    (#"{"a":"#, "the line ends at byte offset 5, expected a value"),
    (#"{"a""#, "the line ends at byte offset 4, expected ':'"),
    (#"{"#, "the line ends at byte offset 1, expected a string key"),
    (#"{"a":"x"#, "unterminated string starting at byte offset 5"),
    (#"{"a"}"#, "unexpected '}' at byte offset 4, expected ':' after a key"),
    (#"{"a" 1}"#, "unexpected '1' at byte offset 5, expected ':' after a key"),
    (#"{a:1}"#, "unexpected 'a' at byte offset 1, expected a string key in double quotes"),
    (#"{"a":tru}"#, "invalid literal at byte offset 5, expected true"),
    (#"{"a":nul"#, "invalid literal at byte offset 5, expected null"),
    (#"{"a":True}"#, "unexpected 'T' at byte offset 5, expected a value"),
    (#"{"a":1,,"b":2}"#, "unexpected ',' at byte offset 7, expected a string key in double quotes"),
    (#"{"a":[1 2]}"#, "unexpected '2' at byte offset 8, expected ',' or ']' after an array element"),
    (#"{,}"#, "unexpected ',' at byte offset 1, expected a string key in double quotes"),
    ("\u{FEFF}{\"a\":1}", "unexpected U+FEFF at byte offset 0, expected a value"),
    ("{\"a\":1}\u{A0}", "unexpected text after the value at byte offset 7"),
  ])
  func rejectsTextThatIsNotStrictJSON(line: String, detail: String) {
    #expect(rejection(line) == .notJSON(detail: detail))
  }

  @Test func notJSONMessageCarriesTheDetail() {
    #expect(
      RejectReason.notJSON(detail: "empty line").description == "line is not valid JSON: empty line")
  }

  @Test(arguments: [#"[1]"#, #""x""#, "1", "null", "true", "[]", #"  [{"a":1,"a":1}]  "#])
  func rejectsJSONThatIsNotAnObject(line: String) {
    #expect(rejection(line) == .notAnObject)
  }

  @Test(arguments: [
    (#"{"a":1,"a":2}"#, "a"), (#"{"id":"x","\u0069d":"y"}"#, "id"),
    (#"{"a":1,"b":{"c":1,"c":2}}"#, "c"), (#"{"a":[{"x":1},{"y":1,"y":1}]}"#, "y"),
    (#"{"a":1,"b":2,"b":3,"a":4}"#, "b"), (#"{"\ud83d\ude00":1,"😀":2}"#, "😀"),
    (#"{"a\"":1,"a\u0022":2}"#, "a\""),
  ])
  func rejectsAnObjectThatRepeatsAKey(line: String, key: String) {
    #expect(rejection(line) == .duplicateKey(key))
  }

  @Test func findsARepeatedKeyAmongManyKeys() {
    let members = (0..<100).map { "\"k\($0)\":\($0)" } + ["\"k4\\u0032\":0"]
    #expect(rejection("{" + members.joined(separator: ",") + "}") == .duplicateKey("k42"))
  }

  @Test func keysDifferingOnlyInCaseAreDistinct() {
    #expect(accepted(eventLine(["ID": #""x""#]))?.extras == [ExtraField(name: "ID", rawJSON: #""x""#)])
  }

  @Test(arguments: [
    "{}", "[]", #"[1,-0,0.5e-3,1E+2,-1.5E10,0e0]"#, #""\"\\\/\b\f\n\r\t\u0000\u00e9\ud83d\ude00""#,
    #"{"nested":{"a":[true,false,null]},"b":{}}"#, "[ 1 ,\t2 ]", #""é€😀""#, "0", "-0", "1.0e0",
    #"{"a":1,"b":{"a":1}}"#, "123456789012345678901234567890", "\"\u{7F}\"",
  ])
  func acceptsEveryValidJSONValueAsAnExtraField(value: String) {
    #expect(accepted(eventLine(["x": value]))?.extras == [ExtraField(name: "x", rawJSON: value)])
  }

  @Test func acceptsNestingUpTo128LevelsAndRejectsDeeper() {
    let ok = String(repeating: "[", count: 127) + String(repeating: "]", count: 127)
    #expect(accepted(eventLine(["x": ok])) != nil)
    let deep = #"{"a":"# + String(repeating: "[", count: 128) + String(repeating: "]", count: 128) + "}"
    #expect(
      rejection(deep) == .notJSON(detail: "objects and arrays nest deeper than 128 levels at byte offset 132"))
  }
}
