/// A strict RFC 8259 scanner for one JSON Lines line whose bytes are already known to be
/// well-formed UTF-8 (see ``UTF8Validation``).
///
/// It validates the whole line and records the members of the top-level object as byte ranges
/// (nothing is decoded or allocated per byte); nested values are validated and skipped. Every
/// object, at any depth, is checked for repeated keys, compared after decoding escapes.
///
/// Internally, a syntax error unwinds with the typed error ``JSONSyntaxError``; the public
/// decoders turn every outcome into a value (`Result`).
struct JSONScanner {
  /// The JSON type of a value.
  enum ValueKind: Equatable {
    case string, number, object, array, bool, null
  }

  /// One member of the top-level object.
  struct Member {
    /// The key's content, between its quotes, as written.
    var key: Range<Int>
    /// Whether the key contains a `\` escape (so it must be decoded before comparing).
    var keyEscaped: Bool
    /// The value's exact JSON text (for strings: including the quotes).
    var value: Range<Int>
    var kind: ValueKind
    /// For a string value: whether it contains a `\` escape.
    var valueEscaped: Bool

    /// A string value's content, between its quotes.
    var stringContent: Range<Int> { (value.lowerBound + 1)..<(value.upperBound - 1) }
  }

  /// How a line failed, in the order of SPEC §2's checks.
  enum Failure: Error, Equatable {
    case notJSON(String)
    case notAnObject
    case duplicateKey(String)
  }

  /// Objects and arrays may nest this deep (the top-level object is depth 1). RFC 8259 §9
  /// lets a parser limit nesting; an event line has no reason to nest deeper, and the limit
  /// keeps the recursive scanner's stack use small on any thread.
  static let maxDepth = 128

  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  /// Members of the top-level object, in order.
  var members: [Member] = []
  /// The first repeated key found (reported only when the syntax is valid).
  var duplicateKey: String?
  /// Keys of the nested objects being scanned (a stack of spans; usually empty).
  private var nestedKeys: [StringSpan] = []

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  /// Scans the whole line; on success `members` holds the top-level object's members.
  mutating func scanObjectLine() -> Failure? {
    guard !bytes.isEmpty else { return .notJSON("empty line") }
    do throws(JSONSyntaxError) {
      skipWhitespace()
      guard position < bytes.count else {
        throw JSONSyntaxError("the line holds only whitespace, expected a JSON object")
      }
      let isObject = bytes[position] == UInt8(ascii: "{")
      _ = try scanValue(depth: 1)
      skipWhitespace()
      guard position == bytes.count else {
        throw JSONSyntaxError("unexpected text after the value at byte offset \(position)")
      }
      if !isObject { return .notAnObject }
      if let key = duplicateKey { return .duplicateKey(key) }
      return nil
    } catch {
      return .notJSON(error.detail)
    }
  }

  // MARK: - Values

  /// Scans one value starting at `position` (no leading whitespace) and returns its kind.
  mutating func scanValue(depth: Int) throws(JSONSyntaxError) -> (ValueKind, escaped: Bool) {
    guard position < bytes.count else { throw endOfLine(expecting: "a value") }
    switch bytes[position] {
    case UInt8(ascii: "{"):
      try scanObject(depth: depth)
      return (.object, false)
    case UInt8(ascii: "["):
      try scanArray(depth: depth)
      return (.array, false)
    case UInt8(ascii: "\""):
      return (.string, try scanString())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      try scanNumber()
      return (.number, false)
    case UInt8(ascii: "t"):
      try scanLiteral("true")
      return (.bool, false)
    case UInt8(ascii: "f"):
      try scanLiteral("false")
      return (.bool, false)
    case UInt8(ascii: "n"):
      try scanLiteral("null")
      return (.null, false)
    default:
      throw unexpected(expecting: "a value")
    }
  }

  private mutating func scanObject(depth: Int) throws(JSONSyntaxError) {
    try checkDepth(depth)
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return
    }
    let keyBase = nestedKeys.count
    while true {
      try scanMember(depth: depth)
      skipWhitespace()
      guard position < bytes.count else { throw endOfLine(expecting: "',' or '}'") }
      let byte = bytes[position]
      position += 1
      if byte == UInt8(ascii: "}") { break }
      guard byte == UInt8(ascii: ",") else {
        position -= 1
        throw unexpected(expecting: "',' or '}' after an object member")
      }
      skipWhitespace()
      if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
        throw JSONSyntaxError("trailing comma before '}' at byte offset \(position)")
      }
    }
    if depth == 1 {
      if duplicateKey == nil {
        duplicateKey = firstRepeatedKey(count: members.count) { members[$0].keySpan }
      }
    } else {
      if duplicateKey == nil {
        duplicateKey = firstRepeatedKey(count: nestedKeys.count - keyBase) {
          nestedKeys[keyBase + $0]
        }
      }
      nestedKeys.removeSubrange(keyBase...)
    }
  }

  private mutating func scanMember(depth: Int) throws(JSONSyntaxError) {
    guard position < bytes.count else { throw endOfLine(expecting: "a string key") }
    guard bytes[position] == UInt8(ascii: "\"") else {
      throw unexpected(expecting: "a string key in double quotes")
    }
    let keyStart = position + 1
    let keyEscaped = try scanString()
    let key = StringSpan(content: keyStart..<(position - 1), escaped: keyEscaped)
    skipWhitespace()
    guard position < bytes.count else { throw endOfLine(expecting: "':'") }
    guard bytes[position] == UInt8(ascii: ":") else { throw unexpected(expecting: "':' after a key") }
    position += 1
    skipWhitespace()
    let valueStart = position
    let (kind, escaped) = try scanValue(depth: depth + 1)
    if depth == 1 {
      members.append(
        Member(
          key: key.content, keyEscaped: keyEscaped, value: valueStart..<position, kind: kind,
          valueEscaped: escaped))
    } else {
      nestedKeys.append(key)
    }
  }

  private mutating func scanArray(depth: Int) throws(JSONSyntaxError) {
    try checkDepth(depth)
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return
    }
    while true {
      _ = try scanValue(depth: depth + 1)
      skipWhitespace()
      guard position < bytes.count else { throw endOfLine(expecting: "',' or ']'") }
      let byte = bytes[position]
      position += 1
      if byte == UInt8(ascii: "]") { return }
      guard byte == UInt8(ascii: ",") else {
        position -= 1
        throw unexpected(expecting: "',' or ']' after an array element")
      }
      skipWhitespace()
      if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
        throw JSONSyntaxError("trailing comma before ']' at byte offset \(position)")
      }
    }
  }

  func checkDepth(_ depth: Int) throws(JSONSyntaxError) {
    guard depth <= Self.maxDepth else {
      throw JSONSyntaxError(
        "objects and arrays nest deeper than \(Self.maxDepth) levels at byte offset \(position)")
    }
  }

  // MARK: - Numbers and literals

  /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`
  mutating func scanNumber() throws(JSONSyntaxError) {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    guard position < bytes.count, isDigit(bytes[position]) else {
      throw JSONSyntaxError("'-' must be followed by a digit at byte offset \(start)")
    }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
      if position < bytes.count, isDigit(bytes[position]) {
        throw JSONSyntaxError("number has a leading zero at byte offset \(start)")
      }
    } else {
      skipDigits()
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      guard position < bytes.count, isDigit(bytes[position]) else {
        throw JSONSyntaxError("'.' must be followed by a digit at byte offset \(position - 1)")
      }
      skipDigits()
    }
    if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
      let exponent = position
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        position += 1
      }
      guard position < bytes.count, isDigit(bytes[position]) else {
        throw JSONSyntaxError("exponent must have a digit at byte offset \(exponent)")
      }
      skipDigits()
    }
  }

  mutating func scanLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
    let start = position
    let count = literal.utf8CodeUnitCount
    let matches =
      start + count <= bytes.count
      && (0..<count).allSatisfy { bytes[start + $0] == literal.utf8Start[$0] }
    guard matches else {
      throw JSONSyntaxError("invalid literal at byte offset \(start), expected \(literal)")
    }
    position += count
  }

  @inline(__always)
  private mutating func skipDigits() {
    while position < bytes.count, isDigit(bytes[position]) { position += 1 }
  }

  @inline(__always)
  private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

  @inline(__always)
  mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x0A, 0x0D, 0x09: position += 1
      default: return
      }
    }
  }
}

/// A key or string value's content range, and whether it has escapes to decode.
struct StringSpan {
  var content: Range<Int>
  var escaped: Bool
}

extension JSONScanner.Member {
  /// The key as a ``StringSpan``.
  var keySpan: StringSpan { StringSpan(content: key, escaped: keyEscaped) }
}

/// A JSON syntax error: what was wrong and at which byte offset of the line.
struct JSONSyntaxError: Error {
  let detail: String

  init(_ detail: String) {
    self.detail = detail
  }
}
