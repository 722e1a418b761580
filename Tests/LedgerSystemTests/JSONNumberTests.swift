import Foundation
import Testing

@testable import LedgerSystem

/// Numbers kept as text are written with their exact value, or as their text.
@Suite struct JSONNumberTests {
  @Test(arguments: [
    ("0", "0"), ("-0", "0"), ("42", "42"), ("-7", "-7"), ("1.50", "1.5"), ("1E+2", "100"),
    ("-12.5e-3", "-0.0125"), ("0.1", "0.1"), ("3.14159", "3.14159"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("1e200", "1e+200"), ("-2.5E-300", "-2.5e-300"),
    ("123456789012345678901234567890123456789012345", #""123456789012345678901234567890123456789012345""#),
    ("1e400", #""1e400""#), ("-1e-400", #""-1e-400""#), ("1e9999999999", #""1e9999999999""#),
  ])
  func writesTheExactValueOrTheTextAsAString(text: String, written: String) throws {
    #expect(try JSONOutput.line([JSONNumber(text: text)]) == "[\(written)]")
  }

  @Test(arguments: ["0", "-0", "1.50", "1E+2", "-12.5e-3", "1e200", "12345678901234567890123456789012345678"])
  func aWrittenNumberReadsBackAsTheSameDouble(text: String) throws {
    let data = try JSONOutput.data([JSONNumber(text: text)])
    let array = try #require(try JSONSerialization.jsonObject(with: data) as? [NSNumber])
    #expect(array.first?.doubleValue == Double(text))
  }

  @Test func equalValuesCompareEqualWhateverTheirSpelling() {
    #expect(JSONNumber.Value("100") == JSONNumber.Value("1E+2"))
    #expect(JSONNumber.Value("100") == JSONNumber.Value("100.000"))
    #expect(JSONNumber.Value("0.0125") == JSONNumber.Value("125e-4"))
    #expect(JSONNumber.Value("0") == JSONNumber.Value("-0.0e7"))
    #expect(JSONNumber.Value("1") != JSONNumber.Value("-1"))
    #expect(JSONNumber.Value("1.1") != JSONNumber.Value("11"))
    #expect(JSONNumber.Value("1e") == nil)
    #expect(JSONNumber.Value("x") == nil)
  }

  @Test func nullableWritesNullWhenAbsentInsteadOfLeavingTheFieldOut() throws {
    struct Row: Encodable {
      var at: JSONNullable<String>
      var n: Int?
    }
    #expect(try JSONOutput.line(Row(at: JSONNullable(nil), n: nil)) == #"{"at":null}"#)
    #expect(try JSONOutput.line(Row(at: JSONNullable("x/y"), n: 1)) == #"{"at":"x/y","n":1}"#)
  }
}
