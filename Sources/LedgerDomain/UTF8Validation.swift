/// Strict UTF-8 validation (Unicode 15, Table 3-7 "Well-Formed UTF-8 Byte Sequences"):
/// refuses overlong forms, UTF-8-encoded surrogates (U+D800–U+DFFF), scalars above U+10FFFF,
/// stray continuation bytes and truncated sequences.
enum UTF8Validation {
  /// The offset of the first byte of the first ill-formed sequence in `bytes`, or `nil` when all
  /// of `bytes` is well-formed UTF-8. ASCII runs are checked eight bytes at a time.
  static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let count = bytes.count
    var index = 0
    while index < count {
      if index + 8 <= count {
        let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 == 0 {
          index += 8
          continue
        }
      }
      let lead = base[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length = sequenceLength(base, index, count)
      guard length > 0 else { return index }
      index += length
    }
    return nil
  }

  /// Length of the well-formed multi-byte sequence starting at `index`, or 0 if it is ill-formed.
  @inline(__always)
  private static func sequenceLength(
    _ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int
  ) -> Int {
    let lead = base[index]
    let length: Int
    var secondLow: UInt8 = 0x80
    var secondHigh: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0: (length, secondLow) = (3, 0xA0)
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: (length, secondHigh) = (3, 0x9F)
    case 0xF0: (length, secondLow) = (4, 0x90)
    case 0xF1...0xF3: length = 4
    case 0xF4: (length, secondHigh) = (4, 0x8F)
    default: return 0
    }
    guard index + length <= count else { return 0 }
    let second = base[index + 1]
    guard second >= secondLow && second <= secondHigh else { return 0 }
    for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 {
      return 0
    }
    return length
  }
}
