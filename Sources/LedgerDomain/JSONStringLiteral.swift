/// The one hand-written JSON string escaper, for code that builds raw JSON text itself: CSV
/// extra columns stored as ``ExtraField/rawJSON`` and the workload generator's input lines.
/// Everything Ledgerline prints or writes as JSON goes through `JSONOutput` (`JSONEncoder`)
/// instead.
public enum JSONStringLiteral {
  /// `text` as a JSON string literal, quotes included (RFC 8259: `"` and `\` escaped, control
  /// characters as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`; every other character as it is).
  public static func quoted(_ text: String) -> String {
    var literal = "\""
    literal.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": literal += "\\\""
      case "\\": literal += "\\\\"
      case "\n": literal += "\\n"
      case "\r": literal += "\\r"
      case "\t": literal += "\\t"
      case "\u{08}": literal += "\\b"
      case "\u{0C}": literal += "\\f"
      case "\u{00}"..."\u{1F}":
        literal += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
      default: literal.unicodeScalars.append(scalar)
      }
    }
    return literal + "\""
  }
}
