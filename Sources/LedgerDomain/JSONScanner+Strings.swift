/// Strings: scanning with escape validation, decoding, repeated-key detection, and the text of
/// syntax errors.
extension JSONScanner {
  /// Scans a string starting at its opening quote; returns whether it contains escapes.
  mutating func scanString() throws(JSONSyntaxError) -> Bool {
    let start = position
    position += 1
    var escaped = false
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return escaped
      }
      if byte == UInt8(ascii: "\\") {
        escaped = true
        try scanEscape()
        continue
      }
      if byte < 0x20 {
        throw JSONSyntaxError(
          "unescaped control character \(Self.hexScalar(UInt32(byte))) in a string at byte offset \(position)")
      }
      position += 1
    }
    throw JSONSyntaxError("unterminated string starting at byte offset \(start)")
  }

  /// Validates one escape sequence at `position` (a `\`), including surrogate pairs.
  private mutating func scanEscape() throws(JSONSyntaxError) {
    let start = position
    guard position + 1 < bytes.count else {
      throw JSONSyntaxError("unterminated string: the line ends after '\\' at byte offset \(start)")
    }
    switch bytes[position + 1] {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
      UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      position += 2
    case UInt8(ascii: "u"):
      let unit = try hexEscape(at: start)
      position += 6
      if unit >= 0xDC00 && unit <= 0xDFFF {
        throw JSONSyntaxError("lone low surrogate \(escapeText(at: start)) at byte offset \(start)")
      }
      if unit >= 0xD800 && unit <= 0xDBFF {
        let low =
          position + 1 < bytes.count && bytes[position] == UInt8(ascii: "\\")
            && bytes[position + 1] == UInt8(ascii: "u") ? try hexEscape(at: position) : 0
        guard low >= 0xDC00 && low <= 0xDFFF else {
          throw JSONSyntaxError(
            "lone high surrogate \(escapeText(at: start)) at byte offset \(start) "
              + "(it must be followed by a low surrogate \\uDC00-\\uDFFF)")
        }
        position += 6
      }
    default:
      position += 1
      throw JSONSyntaxError("invalid escape '\\' followed by \(describeByte()) at byte offset \(start)")
    }
  }

  /// The code unit of the `\uXXXX` escape at `start` (which points at the `\`).
  private func hexEscape(at start: Int) throws(JSONSyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for offset in 2..<6 {
      guard start + offset < bytes.count, let digit = Self.hexDigit(bytes[start + offset]) else {
        throw JSONSyntaxError("'\\u' must be followed by four hex digits at byte offset \(start)")
      }
      value = value << 4 | digit
    }
    return value
  }

  private func escapeText(at start: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<start + 6]), as: UTF8.self)
  }

  // MARK: - Decoding

  /// Appends the decoded UTF-8 of a scanned (hence valid) string's content to `output`.
  static func decode(
    _ bytes: UnsafeBufferPointer<UInt8>, _ content: Range<Int>, into output: inout [UInt8]
  ) {
    var index = content.lowerBound
    while index < content.upperBound {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "\\") else {
        output.append(byte)
        index += 1
        continue
      }
      let escape = bytes[index + 1]
      index += 2
      switch escape {
      case UInt8(ascii: "b"): output.append(0x08)
      case UInt8(ascii: "f"): output.append(0x0C)
      case UInt8(ascii: "n"): output.append(0x0A)
      case UInt8(ascii: "r"): output.append(0x0D)
      case UInt8(ascii: "t"): output.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = hexValue(bytes, index)
        index += 4
        if scalar >= 0xD800 && scalar <= 0xDBFF {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hexValue(bytes, index + 2) - 0xDC00)
          index += 6
        }
        appendUTF8(scalar, to: &output)
      default: output.append(escape)
      }
    }
  }

  /// The decoded bytes of a span of `bytes`.
  static func decoded(_ bytes: UnsafeBufferPointer<UInt8>, _ span: StringSpan) -> [UInt8] {
    guard span.escaped else { return Array(UnsafeBufferPointer(rebasing: bytes[span.content])) }
    var output: [UInt8] = []
    output.reserveCapacity(span.content.count)
    decode(bytes, span.content, into: &output)
    return output
  }

  private static func hexValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt32 {
    var value: UInt32 = 0
    for index in start..<start + 4 { value = value << 4 | (hexDigit(bytes[index]) ?? 0) }
    return value
  }

  private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
      output.append(UInt8(scalar))
    case 0x80..<0x800:
      output.append(UInt8(0xC0 | scalar >> 6))
      output.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
      output.append(UInt8(0xE0 | scalar >> 12))
      output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      output.append(UInt8(0x80 | scalar & 0x3F))
    default:
      output.append(UInt8(0xF0 | scalar >> 18))
      output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
      output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      output.append(UInt8(0x80 | scalar & 0x3F))
    }
  }

  static func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  // MARK: - Repeated keys

  /// The first key (in document order of its second occurrence) that repeats an earlier key of
  /// the same object, compared after decoding escapes; `nil` when all keys differ.
  func firstRepeatedKey(count: Int, _ span: (Int) -> StringSpan) -> String? {
    guard count > 1 else { return nil }
    if count <= 32 {
      for later in 1..<count {
        for earlier in 0..<later where sameKey(span(later), span(earlier)) {
          return RejectExcerpt.value(Self.decoded(bytes, span(later)))
        }
      }
      return nil
    }
    var seen = Set<[UInt8]>(minimumCapacity: count)
    for index in 0..<count {
      let key = Self.decoded(bytes, span(index))
      if !seen.insert(key).inserted { return RejectExcerpt.value(key) }
    }
    return nil
  }

  private func sameKey(_ a: StringSpan, _ b: StringSpan) -> Bool {
    if !a.escaped && !b.escaped {
      return a.content.count == b.content.count
        && UnsafeBufferPointer(rebasing: bytes[a.content]).elementsEqual(
          UnsafeBufferPointer(rebasing: bytes[b.content]))
    }
    return Self.decoded(bytes, a) == Self.decoded(bytes, b)
  }

  // MARK: - Error text

  /// "unexpected X at byte offset N, expected …", with a hint for common non-JSON habits.
  func unexpected(expecting expected: String) -> JSONSyntaxError {
    guard position < bytes.count else { return endOfLine(expecting: expected) }
    var hint = ""
    switch bytes[position] {
    case UInt8(ascii: "'"): hint = " (strings and keys need double quotes)"
    case UInt8(ascii: "/"): hint = " (comments are not allowed)"
    case UInt8(ascii: "N"), UInt8(ascii: "I"): hint = " (NaN and Infinity are not JSON numbers)"
    case UInt8(ascii: "+"): hint = " (a number must not start with '+')"
    case UInt8(ascii: "."): hint = " (a number must start with a digit)"
    default: break
    }
    return JSONSyntaxError(
      "unexpected \(describeByte()) at byte offset \(position), expected \(expected)\(hint)")
  }

  /// "the line ends at byte offset N, expected …".
  func endOfLine(expecting expected: String) -> JSONSyntaxError {
    JSONSyntaxError("the line ends at byte offset \(bytes.count), expected \(expected)")
  }

  /// The character at `position`: `'x'` for printable ASCII, otherwise `U+XXXX`.
  private func describeByte() -> String {
    guard position < bytes.count else { return "end of line" }
    let byte = bytes[position]
    if byte == UInt8(ascii: "'") { return "\"'\"" }
    if byte > 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    if byte < 0x80 { return Self.hexScalar(UInt32(byte)) }
    let end = min(bytes.count, position + 4)
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    return Self.hexScalar(text.unicodeScalars.first?.value ?? UInt32(byte))
  }

  static func hexScalar(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
