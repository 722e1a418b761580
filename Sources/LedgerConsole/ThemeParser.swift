/// Parses theme files: one `role = foreground, background[, attributes]` per line, `role@8 = …`
/// for an explicit 8-colour style, `#` comments and blank lines.
public enum ThemeParser {
  /// Parses `text` of the file `file` into a theme called `name`.
  public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
    var theme = Theme(name: name, styles: [:])
    var seen: [String: Int] = [:]
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let number = index + 1
      let line = stripComment(rawLine).trimmed
      if line.isEmpty { continue }
      guard let equals = line.firstIndex(of: "=") else {
        throw .malformedLine(file: file, line: number, text: line)
      }
      let key = line[..<equals].trimmed
      let value = line[line.index(after: equals)...].trimmed
      if let first = seen[key] {
        throw .duplicateRole(file: file, line: number, role: key, firstLine: first)
      }
      seen[key] = number
      let eightColour = key.hasSuffix("@8")
      let roleName = eightColour ? String(key.dropLast(2)) : key
      guard let role = ScreenRole(themeName: roleName) else {
        throw .unknownRole(file: file, line: number, role: roleName)
      }
      let style = try parseStyle(value, file: file, line: number)
      if eightColour {
        theme.styles8[role] = style
      } else {
        theme.styles[role] = style
      }
    }
    return theme
  }

  private static func parseStyle(_ value: String, file: String, line: Int) throws(ThemeError) -> ThemeStyle {
    let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
    guard parts.count == 2 || parts.count == 3 else {
      throw .malformedLine(file: file, line: line, text: value)
    }
    guard let foreground = ThemeColor(text: parts[0]) else {
      throw .unknownColor(file: file, line: line, value: parts[0])
    }
    guard let background = ThemeColor(text: parts[1]) else {
      throw .unknownColor(file: file, line: line, value: parts[1])
    }
    var attributes: ThemeStyle.Attributes = []
    if parts.count == 3 {
      for word in parts[2].split(separator: "+").map({ $0.trimmed }) {
        guard let attribute = ThemeStyle.Attributes.names[word] else {
          throw .unknownAttribute(file: file, line: line, value: word)
        }
        attributes.formUnion(attribute)
      }
    }
    return ThemeStyle(foreground: foreground, background: background, attributes: attributes)
  }

  private static func stripComment(_ line: Substring) -> Substring {
    line.firstIndex(of: "#").map { line[..<$0] } ?? line
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and carriage returns.
  var trimmed: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }),
      let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
