import Foundation

/// A JSON number given as its exact text (RFC 8259 grammar, e.g. `1E+2`, `-0.50`), written by
/// the JSON writer without changing its value.
///
/// `JSONEncoder` writes numbers only from Swift values and cannot splice text, so this writes
/// the first of Foundation `Decimal` (38 significant digits, exponents about −128…127) and
/// `Double` whose written text denotes exactly the value of `text` (`1E+2` becomes `100`,
/// `1.50` becomes `1.5`, `1e200` becomes `1e+200`). A number that neither holds exactly — more
/// than 38 significant digits that no `Double` spells, or beyond `Double`'s range (`1e400`) —
/// is written as a JSON string of `text`, so no digit is ever lost or made up.
public struct JSONNumber: Encodable, Sendable, Equatable {
  /// The number as written.
  public var text: String

  /// The number whose exact text is `text`.
  public init(text: String) {
    self.text = text
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    guard let value = Value(text) else { return try container.encode(text) }
    if let decimal = Decimal(string: text), Value("\(decimal)") == value {
      try container.encode(decimal)
    } else if let double = Double(text), double.isFinite, Value("\(double)") == value {
      try container.encode(double)
    } else {
      try container.encode(text)
    }
  }

  /// A decimal number's value as sign, significant digits and power of ten, so that texts can
  /// be compared by value (`100`, `1E+2` and `100.0` are equal; every zero is `0`).
  struct Value: Equatable {
    var negative = false
    /// Significant digits, without leading or trailing zeros (empty for zero).
    var digits: [UInt8] = []
    var exponent = 0

    /// The value of `text`, or nil when it is not a JSON number or its exponent has more than
    /// nine digits (no `Decimal` or finite `Double` is that large or small).
    init?(_ text: String) {
      var bytes = Array(text.utf8)[...]
      if bytes.first == UInt8(ascii: "-") {
        negative = true
        bytes = bytes.dropFirst()
      }
      let integer = bytes.prefix { $0 != UInt8(ascii: ".") && $0 | 0x20 != UInt8(ascii: "e") }
      bytes = bytes.dropFirst(integer.count)
      var fraction: ArraySlice<UInt8> = []
      if bytes.first == UInt8(ascii: ".") {
        fraction = bytes.dropFirst().prefix { $0 | 0x20 != UInt8(ascii: "e") }
        bytes = bytes.dropFirst(fraction.count + 1)
      }
      guard !integer.isEmpty, Self.allDigits(integer), Self.allDigits(fraction),
        let power = Self.exponent(bytes)
      else { return nil }
      let all = Array(integer) + Array(fraction)
      guard let first = all.firstIndex(where: { $0 != UInt8(ascii: "0") }),
        let last = all.lastIndex(where: { $0 != UInt8(ascii: "0") })
      else {
        negative = false
        return
      }
      digits = Array(all[first...last])
      exponent = power - fraction.count + (all.count - 1 - last)
    }

    /// The exponent part (`e-7`, `E+21`, or nothing for 0); nil when malformed or too long.
    private static func exponent(_ bytes: ArraySlice<UInt8>) -> Int? {
      guard let marker = bytes.first else { return 0 }
      guard marker | 0x20 == UInt8(ascii: "e") else { return nil }
      var rest = bytes.dropFirst()
      let negative = rest.first == UInt8(ascii: "-")
      if negative || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
      let significant = rest.drop { $0 == UInt8(ascii: "0") }
      guard !rest.isEmpty, allDigits(rest), significant.count <= 9 else { return nil }
      let magnitude = significant.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
      return negative ? -magnitude : magnitude
    }

    private static func allDigits(_ bytes: ArraySlice<UInt8>) -> Bool {
      bytes.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
    }
  }
}
