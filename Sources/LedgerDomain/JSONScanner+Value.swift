/// Building a ``JSONValue`` tree with the scanner's strict grammar (strings, numbers, literals
/// and the error texts are the scanner's own).
extension JSONScanner {
  /// Parses the whole buffer as one JSON value, whitespace around it allowed.
  mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    let value = try parseValue(depth: 1)
    skipWhitespace()
    guard position == bytes.count else {
      throw JSONSyntaxError("unexpected text after the value at byte offset \(position)")
    }
    return value
  }

  private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    guard position < bytes.count else { throw endOfLine(expecting: "a value") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return .object(try parseObject(depth: depth))
    case UInt8(ascii: "["): return .array(try parseArray(depth: depth))
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let start = position
      try scanNumber()
      return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    case UInt8(ascii: "t"):
      try scanLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try scanLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try scanLiteral("null")
      return .null
    default:
      throw unexpected(expecting: "a value")
    }
  }

  private mutating func parseString() throws(JSONSyntaxError) -> String {
    let start = position
    let escaped = try scanString()
    let span = StringSpan(content: (start + 1)..<(position - 1), escaped: escaped)
    return String(decoding: Self.decoded(bytes, span), as: UTF8.self)
  }

  private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> [String: JSONValue] {
    try checkDepth(depth)
    position += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return members
    }
    while true {
      guard position < bytes.count else { throw endOfLine(expecting: "a string key") }
      guard bytes[position] == UInt8(ascii: "\"") else {
        throw unexpected(expecting: "a string key in double quotes")
      }
      let keyStart = position
      let key = try parseString()
      skipWhitespace()
      guard position < bytes.count else { throw endOfLine(expecting: "':'") }
      guard bytes[position] == UInt8(ascii: ":") else { throw unexpected(expecting: "':' after a key") }
      position += 1
      skipWhitespace()
      guard members.updateValue(try parseValue(depth: depth + 1), forKey: key) == nil else {
        throw JSONSyntaxError(
          "repeated key \"\(RejectExcerpt.value(Array(key.utf8)))\" at byte offset \(keyStart)")
      }
      skipWhitespace()
      if try endOfContainer(UInt8(ascii: "}"), what: "an object member") { return members }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
    try checkDepth(depth)
    position += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return elements
    }
    while true {
      elements.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      if try endOfContainer(UInt8(ascii: "]"), what: "an array element") { return elements }
    }
  }

  /// After a member or element: consumes `close` (true) or a `,` and the whitespace after it
  /// (false); a trailing comma is an error.
  private mutating func endOfContainer(_ close: UInt8, what: String) throws(JSONSyntaxError) -> Bool {
    let expected = "',' or '\(Character(Unicode.Scalar(close)))'"
    guard position < bytes.count else { throw endOfLine(expecting: expected) }
    let byte = bytes[position]
    if byte == close {
      position += 1
      return true
    }
    guard byte == UInt8(ascii: ",") else { throw unexpected(expecting: "\(expected) after \(what)") }
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == close {
      throw JSONSyntaxError(
        "trailing comma before '\(Character(Unicode.Scalar(close)))' at byte offset \(position)")
    }
    return false
  }
}
