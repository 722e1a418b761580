/// An ISO 4217 currency: its alphabetic code and how many minor-unit digits it has.
public struct Currency: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The uppercase three-letter code, e.g. `USD`.
  public let code: String
  /// Digits after the decimal point (USD 2, JPY 0, BHD 3, CLF 4).
  public let minorUnits: Int

  /// A currency with an explicit number of minor-unit digits (used by decoders that trust their input).
  public init(code: String, minorUnits: Int) {
    self.code = code
    self.minorUnits = minorUnits
  }

  /// The ISO 4217 currency for `code`, or `nil` when `code` is not an active ISO 4217 alphabetic code.
  public init?(isoCode code: String) {
    guard let digits = CurrencyTable.minorUnits(for: code) else { return nil }
    self.init(code: code, minorUnits: digits)
  }

  public var description: String { code }

  /// Hashes the code's first eight bytes as one word (codes are three letters): summaries keep
  /// their totals in a dictionary by currency, touched for every line applied.
  public func hash(into hasher: inout Hasher) {
    let utf8 = code.utf8
    var word: UInt64 = UInt64(utf8.count)
    let packed = utf8.withContiguousStorageIfAvailable { bytes in
      var packed: UInt64 = 0
      for i in 0..<min(8, bytes.count) { packed |= UInt64(bytes[i]) << (8 * UInt64(i)) }
      return packed
    }
    if let packed {
      word ^= packed
    } else {
      for (i, byte) in utf8.prefix(8).enumerated() { word ^= UInt64(byte) << (8 * UInt64(i)) }
    }
    hasher.combine(word &+ UInt64(bitPattern: Int64(minorUnits)) << 56)
  }

  public static func == (lhs: Currency, rhs: Currency) -> Bool {
    lhs.minorUnits == rhs.minorUnits && lhs.code == rhs.code
  }

  public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.code < rhs.code }

  /// United States dollar, the default currency of two-column seed CSV files.
  public static let usd = Currency(code: "USD", minorUnits: 2)
}
