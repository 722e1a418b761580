/// What a screen cell means; a theme maps each role to colours and attributes.
public enum ScreenRole: String, Sendable, CaseIterable, Hashable {
  case normal, header, title, label, columnHeader
  case stagePending, stageRunning, stageDone, stageRetrying, stageFailed
  case selection, correction, following
  case error, warning, success, info
  case sparkline, footer, footerKey, status
  case dialog, dialogButton, dialogButtonFocused
  case input, inputFocused

  /// The name used in theme files (`stage-done`), kebab case of the case name.
  public var themeName: String {
    var out = ""
    for character in rawValue {
      if character.isUppercase {
        out += "-" + character.lowercased()
      } else {
        out.append(character)
      }
    }
    return out
  }

  /// The role whose theme name is `name`, if any.
  public init?(themeName name: String) {
    guard let role = Self.allCases.first(where: { $0.themeName == name }) else { return nil }
    self = role
  }
}
