/// Why a theme could not be loaded. Parse errors carry the file and line number.
public enum ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A line is not `role = foreground, background[, attributes]`.
  case malformedLine(file: String, line: Int, text: String)
  /// The role name is not known.
  case unknownRole(file: String, line: Int, role: String)
  /// A colour is not `default`, a name or 0…255.
  case unknownColor(file: String, line: Int, value: String)
  /// An attribute is not bold, underline, reverse, dim or none.
  case unknownAttribute(file: String, line: Int, value: String)
  /// A role is set twice.
  case duplicateRole(file: String, line: Int, role: String, firstLine: Int)
  /// No theme of that name in the themes directory.
  case notFound(name: String, directory: String, available: [String])
  /// The file or directory could not be read.
  case unreadable(path: String, reason: String)

  /// A message that says where, what and how to fix it.
  public var description: String {
    switch self {
    case .malformedLine(let file, let line, let text):
      "\(file):\(line): expected \"role = foreground, background[, attributes]\", got \"\(text)\"; fix the line or comment it out with #"
    case .unknownRole(let file, let line, let role):
      "\(file):\(line): unknown role \"\(role)\"; roles are \(ScreenRole.allCases.map(\.themeName).joined(separator: ", "))"
    case .unknownColor(let file, let line, let value):
      "\(file):\(line): \"\(value)\" is not a colour; use default, a name (black, red, green, yellow, blue, magenta, cyan, white, bright-…) or a number 0-255"
    case .unknownAttribute(let file, let line, let value):
      "\(file):\(line): \"\(value)\" is not an attribute; use bold, underline, reverse, dim or none, joined with +"
    case .duplicateRole(let file, let line, let role, let firstLine):
      "\(file):\(line): role \"\(role)\" is already set on line \(firstLine); keep one of the two"
    case .notFound(let name, let directory, let available):
      "no theme \"\(name)\" in \(directory); available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
    case .unreadable(let path, let reason):
      "cannot read \(path): \(reason); check that it exists and is readable"
    }
  }
}
