/// One pass over a JSON Lines line of the usual shape, straight to its field values: what
/// ``EventDecoder`` does in three (UTF-8 validation, the strict scanner, then a table of the
/// known fields), for the lines that need none of the scanner's generality.
///
/// The usual shape: one top-level object whose keys are known fields (SPEC §2), each at most
/// once, written without escapes; values are strings without escapes or control characters,
/// JSON numbers, `null`, `true` or `false`; JSON whitespace anywhere the grammar allows it. Bytes
/// above ASCII appear only inside strings, and each such string is checked as UTF-8 on its own.
///
/// On such a line it returns exactly the table the general path builds (so the field rules see
/// the same values and give the same event or the same reason). On anything else (an escape, an
/// unknown or repeated key, a nested value, any syntax error, ill-formed UTF-8) it returns `nil`
/// without judging the line, and the general path decides, with its precise reason.
enum PlainEventLine {
  /// The order of the keys of the last line read in one pass: a producer writes its lines' keys
  /// in one order, so the next line's k-th key is first compared, as a whole, with the k-th key of
  /// the last one (one load and one compare instead of a scan and a lookup). A wrong guess only
  /// costs that compare; the result never depends on it.
  struct KeyOrder {
    /// Four bits per key position: the field's raw value + 1 (0: no key there; `field(at:)`
    /// spells the cases out, so a field added to `KnownField` is added there too:
    /// `PlainEventLineTests.aKeyOrderGivesBackEveryField` fails until it is).
    var codes: UInt64 = 0

    init() {}

    @inline(__always)
    func field(at position: Int) -> KnownField? {
      guard position < 16 else { return nil }
      switch (codes >> UInt64(4 * position)) & 0xF {
      case 1: return .id
      case 2: return .orderID
      case 3: return .kind
      case 4: return .amount
      case 5: return .currency
      case 6: return .ts
      case 7: return .entity
      case 8: return .memo
      case 9: return .reason
      case 10: return .author
      default: return nil
      }
    }
  }

  /// The known fields' values of `line`, or `nil` when the line is not of the usual shape. Each
  /// key is first guessed from `order` (the key order of the last line read in one pass), which
  /// is then set to this line's when the line is of the usual shape.
  static func fields(_ line: UnsafeBufferPointer<UInt8>, order: inout KeyOrder) -> FieldTable<FieldValue>? {
    guard let base = line.baseAddress else { return nil }
    let end = line.count
    var values = FieldTable<FieldValue>(repeating: .absent)
    var seen: UInt16 = 0
    var codes: UInt64 = 0
    var position = 0
    var i = skipWhitespace(base, 0, end)
    guard i < end, base[i] == UInt8(ascii: "{") else { return nil }
    i = skipWhitespace(base, i + 1, end)
    while true {
      // A key: a string without escapes naming a known field not seen before.
      guard i < end, base[i] == UInt8(ascii: "\"") else { return nil }
      let field: KnownField
      if let guess = order.field(at: position), let close = quotedName(guess, base, i, end) {
        field = guess
        i = close
      } else {
        let keyStart = i + 1
        i = keyStart
        while i < end, base[i] != UInt8(ascii: "\"") {
          // Known field names are lowercase ASCII letters and `_`: anything else is not one.
          guard base[i] >= UInt8(ascii: "_") && base[i] <= UInt8(ascii: "z") else { return nil }
          i += 1
        }
        guard i < end else { return nil }
        guard let named = KnownField.named(UnsafeBufferPointer(start: base + keyStart, count: i - keyStart)) else {
          return nil
        }
        field = named
      }
      let bit: UInt16 = 1 << UInt16(field.rawValue)
      guard seen & bit == 0 else { return nil }
      seen |= bit
      // At most ten keys, each a different known field, reach here: the position fits.
      codes |= UInt64(field.rawValue + 1) << UInt64(4 * position)
      position += 1
      i = skipWhitespace(base, i + 1, end)
      guard i < end, base[i] == UInt8(ascii: ":") else { return nil }
      i = skipWhitespace(base, i + 1, end)
      guard i < end else { return nil }
      // Its value.
      switch base[i] {
      case UInt8(ascii: "\""):
        let start = i + 1
        guard let close = stringEnd(base, start, end) else { return nil }
        values[field] = .text(UnsafeBufferPointer(start: base + start, count: close - start))
        i = close + 1
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        guard let after = numberEnd(base, i, end) else { return nil }
        values[field] = .number(UnsafeBufferPointer(start: base + i, count: after - i))
        i = after
      case UInt8(ascii: "n"):
        guard matches(base, i, end, "null") else { return nil }
        values[field] = .null
        i += 4
      case UInt8(ascii: "t"):
        guard matches(base, i, end, "true") else { return nil }
        values[field] = .other
        i += 4
      case UInt8(ascii: "f"):
        guard matches(base, i, end, "false") else { return nil }
        values[field] = .other
        i += 5
      default:
        return nil
      }
      i = skipWhitespace(base, i, end)
      guard i < end else { return nil }
      if base[i] == UInt8(ascii: "}") { break }
      guard base[i] == UInt8(ascii: ",") else { return nil }
      i = skipWhitespace(base, i + 1, end)
    }
    // Only whitespace may follow the object.
    guard skipWhitespace(base, i + 1, end) == end else { return nil }
    order.codes = codes
    return values
  }

  /// The index of the closing quote when the bytes at `start` are `field`'s name between quotes
  /// (the quote at `start` already seen), else `nil` (then the key is read the long way). Eight
  /// bytes after the opening quote are compared at once: the name and its closing quote (the two
  /// eight-letter names: the name, then the quote).
  @inline(__always)
  private static func quotedName(_ field: KnownField, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int)
    -> Int?
  {
    let (word, mask, count) = quotedNameWord(field)
    let close = start + 1 + count
    guard start + 9 <= end, close < end else { return nil }
    let bytes = UInt64(littleEndian: UnsafeRawPointer(base + start + 1).loadUnaligned(as: UInt64.self))
    guard bytes & mask == word, base[close] == UInt8(ascii: "\"") else { return nil }
    return close
  }

  /// `field`'s name and, when it is shorter than eight bytes, its closing quote, as the
  /// little-endian word those bytes load as; the mask of the bytes that count; the name's length.
  /// (`PlainEventLineTests.quotedNameWordsSpellTheNames` checks every one against the name.)
  @inline(__always)
  static func quotedNameWord(_ field: KnownField) -> (word: UInt64, mask: UInt64, count: Int) {
    switch field {
    case .id: (0x22_6469, 0xFF_FFFF, 2)  // id"
    case .orderID: (0x6469_5F72_6564_726F, ~0, 8)  // order_id
    case .kind: (0x22_646E_696B, 0xFF_FFFF_FFFF, 4)  // kind"
    case .amount: (0x22_746E_756F_6D61, 0xFF_FFFF_FFFF_FFFF, 6)  // amount"
    case .currency: (0x7963_6E65_7272_7563, ~0, 8)  // currency
    case .ts: (0x22_7374, 0xFF_FFFF, 2)  // ts"
    case .entity: (0x22_7974_6974_6E65, 0xFF_FFFF_FFFF_FFFF, 6)  // entity"
    case .memo: (0x22_6F6D_656D, 0xFF_FFFF_FFFF, 4)  // memo"
    case .reason: (0x22_6E6F_7361_6572, 0xFF_FFFF_FFFF_FFFF, 6)  // reason"
    case .author: (0x22_726F_6874_7561, 0xFF_FFFF_FFFF_FFFF, 6)  // author"
    }
  }

  /// The index of the closing quote of a string whose content starts at `start`, or `nil` when
  /// the string holds an escape or a control character, is not closed, or holds bytes above
  /// ASCII that are not well-formed UTF-8.
  @inline(__always)
  private static func stringEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    var i = start
    var high = false
    // Sixteen bytes at a time: the lanes holding a quote, a backslash, a control character or a
    // byte above ASCII are 0xFF; the first such byte decides (a quote ends the string, a byte
    // above ASCII is noted and the scan goes on after it, anything else is not plain).
    let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
    let backslash = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
    let space = SIMD16<UInt8>(repeating: 0x20)
    let ascii = SIMD16<UInt8>(repeating: 0x7F)
    while i + 16 <= end {
      let chunk = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
      let special = (chunk .== quote) .| (chunk .== backslash) .| (chunk .< space) .| (chunk .> ascii)
      let words = unsafeBitCast(unsafeBitCast(special, to: SIMD16<UInt8>.self), to: SIMD2<UInt64>.self)
      guard words[0] != 0 || words[1] != 0 else {
        i += 16
        continue
      }
      let word = words[0] != 0 ? 0 : 1
      i += 8 * word + UInt64(littleEndian: words[word]).trailingZeroBitCount >> 3
      let byte = base[i]
      if byte == UInt8(ascii: "\"") { return closed(base, start, i, high: high) }
      guard byte >= 0x80 else { return nil }
      high = true
      i += 1
    }
    while i < end {
      let byte = base[i]
      if byte == UInt8(ascii: "\"") { return closed(base, start, i, high: high) }
      guard byte >= 0x20 && byte != UInt8(ascii: "\\") else { return nil }
      high = high || byte >= 0x80
      i += 1
    }
    return nil
  }

  /// `close`, the quote that ends a string whose content starts at `start`, unless the content
  /// holds bytes above ASCII that are not well-formed UTF-8.
  @inline(__always)
  private static func closed(_ base: UnsafePointer<UInt8>, _ start: Int, _ close: Int, high: Bool) -> Int? {
    guard high else { return close }
    return UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(start: base + start, count: close - start)) == nil
      ? close : nil
  }

  /// The index just after a JSON number starting at `start`
  /// (`-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`), or `nil` when it is not one.
  @inline(__always)
  private static func numberEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    var i = start
    if base[i] == UInt8(ascii: "-") { i += 1 }
    guard i < end, isDigit(base[i]) else { return nil }
    if base[i] == UInt8(ascii: "0") {
      i += 1
    } else {
      while i < end, isDigit(base[i]) { i += 1 }
    }
    if i < end, base[i] == UInt8(ascii: ".") {
      i += 1
      guard i < end, isDigit(base[i]) else { return nil }
      while i < end, isDigit(base[i]) { i += 1 }
    }
    if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
      guard i < end, isDigit(base[i]) else { return nil }
      while i < end, isDigit(base[i]) { i += 1 }
    }
    // A digit right after a leading zero (`01`) is not JSON; the separator check that follows
    // refuses it, as it refuses any other byte glued to the number.
    return i
  }

  @inline(__always)
  private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

  /// JSON whitespace: space, tab, `\r` and `\n` (a batch's lines hold no `\n`; a single line
  /// decoded alone may).
  @inline(__always)
  private static func skipWhitespace(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var i = start
    while i < end {
      let byte = base[i]
      guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { return i }
      i += 1
    }
    return i
  }

  @inline(__always)
  private static func matches(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString
  ) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard start + count <= end else { return false }
    for offset in 0..<count where base[start + offset] != literal.utf8Start[offset] { return false }
    return true
  }
}
