import Foundation
import Testing

@testable import LedgerDomain

/// The one hand-written JSON string escaper: exact escapes, and every text comes back unchanged
/// through the strict scanner and through Foundation.
@Suite struct JSONStringLiteralTests {
  static let texts = [
    "", "plain", #"say "hi""#, #"back\slash"#, "a/b", "line\nfeed", "cr\rtab\t", "bell\u{07}",
    "\u{00}nul", "\u{08}\u{0C}\u{1B}\u{1F}", "del\u{7F}", "café", "€ 😀", "sep\u{2028}\u{2029}",
    String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
  ]

  @Test func escapesQuotesBackslashesAndControlCharactersOnly() {
    #expect(
      JSONStringLiteral.quoted("a\"b\\c/d\n\r\t\u{08}\u{0C}\u{00}\u{1F}é😀") == #""a\"b\\c/d\n\r\t\b\f\u0000\u001fé😀""#)
  }

  @Test(arguments: texts)
  func quotedTextParsesBackToTheSameString(text: String) throws {
    let literal = JSONStringLiteral.quoted(text)
    #expect(try JSONValue(parsing: literal) == .string(text))
    let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
    #expect(decoded as? String == text)
  }
}
