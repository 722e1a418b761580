import LedgerSystem

/// What free text typed by a person (a correction's reason and author, an idempotency key) must
/// be: readable when shown back in a terminal or an audit log.
enum TextRules {
  /// Why `text` is not acceptable, or `nil`: it must hold at least one visible character and no
  /// control characters (C0, DEL, C1) or bidirectional overrides, which could hide or reorder
  /// what an operator reads.
  static func problem(_ text: String) -> String? {
    for scalar in text.unicodeScalars {
      if let name = forbiddenName(scalar) {
        return "contains a control character (\(name)); type plain text"
      }
    }
    guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
      return text.isEmpty ? "is empty; say it in words" : "is only spaces; say it in words"
    }
    return nil
  }

  /// `U+XXXX` for a forbidden scalar, else `nil`. Forbidden are exactly the scalars that plain-text
  /// output shows escaped (``TerminalText/mustEscape(_:)``).
  static func forbiddenName(_ scalar: Unicode.Scalar) -> String? {
    guard TerminalText.mustEscape(scalar) else { return nil }
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
