/// Minimal JSON output helpers (the engine writes JSON Lines; the CLI prints `--json`).
public enum JSONText {
  /// `s` as a JSON string literal, escaping quotes, backslashes and control characters.
  public static func quote(_ s: String) -> String {
    var out = "\""
    out.reserveCapacity(s.utf8.count + 2)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
    return out
  }

  /// A JSON object from ordered (key, raw JSON value) pairs.
  public static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
  }

  /// A JSON array from raw JSON values.
  public static func array(_ values: [String]) -> String {
    "[" + values.joined(separator: ",") + "]"
  }
}
