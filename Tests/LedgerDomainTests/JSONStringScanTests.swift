import Foundation
import Testing

@testable import LedgerDomain

/// Each byte a string scan must stop at (a quote, a backslash, a control character) and bytes
/// next to them in value (DEL, 0x1F, 0x21, 0x5B, 0x5D, non-ASCII), at every offset of strings of
/// lengths 0 to 19 (a scan by words of eight bytes would meet them at every position of a word),
/// are read as JSONSerialization reads them.
@Suite struct JSONStringScanTests {
  static let pieces: [[UInt8]] = [
    Array("\\n".utf8), Array("\\\"".utf8), Array("\\u00e9".utf8), Array("\\ud83d\\ude00".utf8), [0x01], [0x1F],
    [0x7F], [0x21], [0x5B], [0x5D], [0x5C], Array("é".utf8), Array("😀".utf8), [0x22, 0x20],
  ]

  @Test func everySpecialByteAtEveryOffset() throws {
    var checked = 0
    var refused = 0
    for length in 0..<20 {
      for offset in 0...length {
        for piece in Self.pieces {
          let filler = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
          let content = Array(filler[..<offset]) + piece + Array(filler[offset...])
          let line = Array("{\"k\":\"".utf8) + content + Array("\",\"z\":1}".utf8)
          let foundation = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
          let ours: String? = line.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            guard scanner.scanObjectLine() == nil, let member = scanner.members.first else { return nil }
            let span = StringSpan(content: member.stringContent, escaped: member.valueEscaped)
            return String(decoding: JSONScanner.decoded(buffer, span), as: UTF8.self)
          }
          let text = String(decoding: line, as: UTF8.self)
          switch (ours, foundation) {
          case (let value?, let object?):
            #expect(object["k"] as? String == value, "\(text.debugDescription)")
            checked += 1
          case (nil, nil):
            refused += 1
          default:
            Issue.record("scanner and JSONSerialization disagree on \(text.debugDescription)")
          }
        }
      }
    }
    #expect(checked > 1000)
    #expect(refused > 300)
  }
}
