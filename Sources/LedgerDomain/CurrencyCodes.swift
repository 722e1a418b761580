/// Byte-level lookup of ISO 4217 codes for the decoders' hot path: one table index instead of
/// building a `String` and hashing it per line. The table is built once from
/// ``Currency/init(isoCode:)``, so ``CurrencyTable`` stays the single source of truth.
enum CurrencyCodes {
  /// The currency whose code is exactly the bytes `code` (uppercase), or `nil`.
  static func currency(_ code: UnsafeBufferPointer<UInt8>) -> Currency? {
    guard code.count == 3, let slot = slot(code[0], code[1], code[2]) else { return nil }
    let index = Int(lookup.slots[slot])
    return index == 0 ? nil : lookup.currencies[index - 1]
  }

  private struct Lookup: Sendable {
    /// For each three-letter code AAA…ZZZ: 0, or 1 + its index in `currencies`.
    var slots: [UInt16]
    var currencies: [Currency]
  }

  private static let lookup: Lookup = {
    var table = Lookup(slots: Array(repeating: 0, count: 26 * 26 * 26), currencies: [])
    let letters = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { Character(Unicode.Scalar($0)) }
    for a in letters {
      for b in letters {
        for c in letters {
          guard let currency = Currency(isoCode: String([a, b, c])) else { continue }
          let bytes = Array(currency.code.utf8)
          guard let slot = slot(bytes[0], bytes[1], bytes[2]) else { continue }
          table.currencies.append(currency)
          table.slots[slot] = UInt16(table.currencies.count)
        }
      }
    }
    return table
  }()

  @inline(__always)
  private static func slot(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
    let base = UInt8(ascii: "A")
    guard a &- base < 26, b &- base < 26, c &- base < 26 else { return nil }
    return (Int(a - base) * 26 + Int(b - base)) * 26 + Int(c - base)
  }
}
