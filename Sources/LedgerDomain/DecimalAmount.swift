/// Exact decimal text ⇄ integer minor units. Never goes through floating point.
public enum DecimalAmount {
  /// Why a decimal amount text was refused.
  public enum Failure: Error, Sendable, Equatable {
    /// Not of the form `-?[0-9]+(\.[0-9]+)?`.
    case malformed
    /// More fraction digits than the currency has minor units.
    case tooManyDigits(allowed: Int)
    /// Does not fit in a signed 64-bit count of minor units.
    case outOfRange
  }

  /// Parses `-?[0-9]+(\.[0-9]+)?` into minor units of a currency with `minorUnits` digits.
  /// Digits are counted as written: `"1.000"` with 2 minor units is `tooManyDigits`.
  public static func parse<C: Collection<UInt8>>(_ text: C, minorUnits: Int) -> Result<
    Int64, Failure
  > {
    var index = text.startIndex
    guard index != text.endIndex else { return .failure(.malformed) }
    var negative = false
    if text[index] == UInt8(ascii: "-") {
      negative = true
      index = text.index(after: index)
    }
    var magnitude: UInt64 = 0
    var overflow = false
    var integerDigits = 0
    while index != text.endIndex, let digit = asciiDigit(text[index]) {
      (magnitude, overflow) = accumulate(magnitude, digit, overflow)
      integerDigits += 1
      index = text.index(after: index)
    }
    guard integerDigits > 0 else { return .failure(.malformed) }
    var fractionDigits = 0
    if index != text.endIndex {
      guard text[index] == UInt8(ascii: ".") else { return .failure(.malformed) }
      index = text.index(after: index)
      while index != text.endIndex, let digit = asciiDigit(text[index]) {
        (magnitude, overflow) = accumulate(magnitude, digit, overflow)
        fractionDigits += 1
        index = text.index(after: index)
      }
      guard fractionDigits > 0, index == text.endIndex else { return .failure(.malformed) }
    }
    guard fractionDigits <= minorUnits else { return .failure(.tooManyDigits(allowed: minorUnits)) }
    for _ in fractionDigits..<minorUnits {
      (magnitude, overflow) = accumulate(magnitude, 0, overflow)
    }
    guard !overflow else { return .failure(.outOfRange) }
    if negative {
      guard magnitude <= UInt64(Int64.max) + 1 else { return .failure(.outOfRange) }
      return .success(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
    }
    guard magnitude <= UInt64(Int64.max) else { return .failure(.outOfRange) }
    return .success(Int64(magnitude))
  }

  /// Parses a Swift string; see ``parse(_:minorUnits:)``.
  public static func parse(_ text: String, minorUnits: Int) -> Result<Int64, Failure> {
    parse(Array(text.utf8), minorUnits: minorUnits)
  }

  /// Formats minor units with exactly `minorUnits` fraction digits: `-1250, 2` → `"-12.50"`.
  public static func format(_ amount: Int64, minorUnits: Int) -> String {
    let negative = amount < 0
    let magnitude = amount.magnitude
    var digits = String(magnitude)
    if minorUnits > 0 {
      if digits.count <= minorUnits {
        digits = String(repeating: "0", count: minorUnits - digits.count + 1) + digits
      }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -minorUnits))
    }
    return negative ? "-" + digits : digits
  }

  @inline(__always)
  private static func asciiDigit(_ byte: UInt8) -> UInt64? {
    byte >= 48 && byte <= 57 ? UInt64(byte - 48) : nil
  }

  @inline(__always)
  private static func accumulate(_ value: UInt64, _ digit: UInt64, _ overflow: Bool) -> (
    UInt64, Bool
  ) {
    if overflow { return (value, true) }
    let (times10, o1) = value.multipliedReportingOverflow(by: 10)
    let (sum, o2) = times10.addingReportingOverflow(digit)
    return (sum, o1 || o2)
  }
}

extension Currency {
  /// `amount` (minor units of this currency) as exact decimal text.
  public func format(_ amount: Int64) -> String {
    DecimalAmount.format(amount, minorUnits: minorUnits)
  }
}
