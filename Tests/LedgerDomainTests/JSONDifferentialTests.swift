import Foundation
import Testing

@testable import LedgerDomain

/// Differential test of the strict scanner against Foundation's `JSONSerialization` on a
/// seeded corpus of generated objects: valid ones (random nesting, escapes, numbers, non-ASCII)
/// and mutated ones (trailing commas, leading zeros, comments, NaN, single quotes, raw control
/// characters, bad escapes, lone surrogates, truncation, text after the value).
///
/// Rule: a line JSONSerialization accepts as an object (without repeated keys: the scanner
/// rejects those on purpose, JSONSerialization keeps the last value) is accepted by the scanner,
/// and a line the scanner accepts is accepted by JSONSerialization. The one known, documented
/// difference: JSONSerialization here (swift-corelibs-foundation over swift-foundation) accepts
/// a trailing comma before `}` or `]`, which RFC 8259 and SPEC §2 forbid.
@Suite struct JSONDifferentialTests {
  struct Case {
    var text: String
    var hasDuplicateKeys: Bool
  }

  @Test func agreesWithJSONSerializationOnEveryLineBothShouldAccept() throws {
    var generator = JSONCorpusGenerator(seed: 0x5EED_1ED6)
    let corpus = (0..<600).map { _ in generator.line() }
    var bothAccepted = 0
    var bothRejected = 0
    var lenient: [String] = []
    for line in corpus {
      let bytes = Array(line.text.utf8)
      let ours = scan(bytes)
      let foundation = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
      if line.hasDuplicateKeys, case .duplicateKey? = ours.failure { continue }
      switch (ours.failure, foundation) {
      case (nil, let object?):
        bothAccepted += 1
        #expect(Set(object.keys) == Set(ours.strings.keys).union(ours.otherKeys), "\(line.text)")
        for (key, value) in ours.strings {
          #expect(object[key] as? String == value, "\(line.text)")
        }
      case (nil, nil):
        Issue.record("scanner accepts what JSONSerialization refuses: \(line.text)")
      case (.notJSON(let detail)?, _?) where detail.hasPrefix("trailing comma"):
        lenient.append(line.text)
      case (let failure?, _?):
        Issue.record("scanner refuses (\(failure)) what JSONSerialization accepts: \(line.text)")
      case (_?, nil):
        bothRejected += 1
      }
    }
    #expect(bothAccepted >= 200)
    #expect(bothRejected >= 100)
    #expect(!lenient.isEmpty, "the corpus exercises the documented trailing-comma leniency")
  }

  /// What the scanner made of a line: its failure, or the decoded top-level string members.
  func scan(_ bytes: [UInt8]) -> (failure: JSONScanner.Failure?, strings: [String: String], otherKeys: Set<String>) {
    bytes.withUnsafeBufferPointer { buffer in
      if UTF8Validation.firstInvalidOffset(buffer) != nil { return (.notJSON("utf8"), [:], []) }
      var scanner = JSONScanner(buffer)
      if let failure = scanner.scanObjectLine() { return (failure, [:], []) }
      var strings: [String: String] = [:]
      var others: Set<String> = []
      for member in scanner.members {
        let key = String(decoding: JSONScanner.decoded(buffer, member.keySpan), as: UTF8.self)
        if member.kind == .string {
          let span = StringSpan(content: member.stringContent, escaped: member.valueEscaped)
          strings[key] = String(decoding: JSONScanner.decoded(buffer, span), as: UTF8.self)
        } else {
          others.insert(key)
        }
      }
      return (nil, strings, others)
    }
  }
}

/// A seeded generator of JSON object lines, valid and deliberately broken.
struct JSONCorpusGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// SplitMix64.
  private mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  private mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  mutating func line() -> JSONDifferentialTests.Case {
    var duplicate = false
    var text = object(depth: 0, duplicate: &duplicate)
    if below(2) == 0 { text = mutate(text) }
    return .init(text: text, hasDuplicateKeys: duplicate)
  }

  private mutating func object(depth: Int, duplicate: inout Bool) -> String {
    var keys: [String] = []
    for _ in 0..<below(depth == 0 ? 6 : 4) + (depth == 0 ? 1 : 0) {
      if !keys.isEmpty, below(20) == 0 {
        keys.append(pick(keys))
        duplicate = true
      } else {
        // A unique suffix keeps random keys apart ("" and "", "\u00e9" and "é" would repeat).
        keys.append(String(string(maxLength: 6).dropLast()) + "#\(keys.count)\"")
      }
    }
    let members = keys.map { key in key + pick([":", " : ", ":\t"]) + value(depth: depth + 1, duplicate: &duplicate) }
    return "{" + members.joined(separator: pick([",", ", ", " ,"])) + "}"
  }

  private mutating func value(depth: Int, duplicate: inout Bool) -> String {
    switch below(depth > 4 ? 5 : 7) {
    case 0, 1: return string(maxLength: 12)
    case 2: return number()
    case 3: return pick(["true", "false", "null"])
    case 4: return number()
    case 5: return object(depth: depth, duplicate: &duplicate)
    default:
      let items = (0..<below(4)).map { _ in value(depth: depth + 1, duplicate: &duplicate) }
      return "[" + items.joined(separator: ",") + "]"
    }
  }

  private mutating func number() -> String {
    var text = below(3) == 0 ? "-" : ""
    text += below(4) == 0 ? "0" : String(below(9) + 1) + String(below(100_000))
    if below(2) == 0 { text += "." + String(below(1000)) }
    if below(4) == 0 { text += pick(["e", "E"]) + pick(["", "+", "-"]) + String(below(20)) }
    return text
  }

  private mutating func string(maxLength: Int) -> String {
    let pieces = [
      "a", "Z", "7", " ", "é", "€", "😀", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\u00e9",
      "\\u20AC", "\\ud83d\\ude00", "\\u0000", "\\u001f", "'", "{", "]", ",", ":",
    ]
    return "\"" + (0..<below(maxLength + 1)).map { _ in pick(pieces) }.joined() + "\""
  }

  private mutating func mutate(_ text: String) -> String {
    var scalars = Array(text.unicodeScalars)
    let at = below(scalars.count)
    switch below(12) {
    case 0:
      if let close = scalars.lastIndex(where: { $0 == "}" || $0 == "]" }) { scalars.insert(",", at: close) }
    case 1: scalars = Array(scalars.prefix(at))
    case 2: scalars.insert(contentsOf: pick(["01", "+1", ".5", "1.", "NaN", "Infinity", "-"]).unicodeScalars, at: at)
    case 3: scalars.insert(contentsOf: pick(["//c", "/*c*/", "x", "'", "\t", "\u{0}"]).unicodeScalars, at: at)
    case 4: return text.replacingOccurrences(of: "\"", with: "'")
    case 5: return text + pick([" x", "{}", ",", "\u{0B}", " \r\n"])
    case 6: return text.replacingOccurrences(of: "\\u00e9", with: pick(["\\ud800", "\\udc00", "\\u00g9", "\\q"]))
    case 7: return text.replacingOccurrences(of: "\\n", with: "\n")
    case 8: return pick(["[", "\"", "1", "null"]) + text
    case 9: return text.replacingOccurrences(of: ":", with: "=")
    case 10: scalars.remove(at: at)
    default: return "[" + text + "]"
    }
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars)
    return String(result)
  }
}
