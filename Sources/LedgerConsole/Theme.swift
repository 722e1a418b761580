/// A colour theme: a style per role for 256-colour terminals and an optional explicit style per
/// role for 8-colour terminals (otherwise the 256-colour style is degraded automatically).
public struct Theme: Sendable, Equatable {
  /// How many colours the terminal has.
  public enum Depth: Sendable, Equatable {
    /// 256 colours or more.
    case colors256
    /// 8 (or 16) colours.
    case colors8
    /// No colour (`NO_COLOR` or a monochrome terminal): attributes only.
    case monochrome
  }

  /// The theme's name (its file name without `.theme`).
  public var name: String
  /// Styles for 256-colour terminals.
  public var styles: [ScreenRole: ThemeStyle]
  /// Explicit styles for 8-colour terminals (`role@8 = …`).
  public var styles8: [ScreenRole: ThemeStyle]

  /// Creates a theme.
  public init(name: String, styles: [ScreenRole: ThemeStyle], styles8: [ScreenRole: ThemeStyle] = [:]) {
    self.name = name
    self.styles = styles
    self.styles8 = styles8
  }

  /// The style of `role` at `depth`. A role the theme does not name uses `normal`; without
  /// colour, bars and the selection always get reverse video so they stay visible.
  public func style(for role: ScreenRole, depth: Depth) -> ThemeStyle {
    let base = styles[role] ?? (fallback(role) == .plain ? styles[.normal] : nil) ?? fallback(role)
    switch depth {
    case .colors256:
      return base
    case .colors8:
      return styles8[role] ?? base.degradedTo8
    case .monochrome:
      // Without colour, bars, the selection and focused controls need reverse video.
      return ThemeStyle(
        foreground: .terminalDefault, background: .terminalDefault,
        attributes: (styles8[role] ?? base).attributes.union(fallback(role).attributes))
    }
  }

  private func fallback(_ role: ScreenRole) -> ThemeStyle {
    switch role {
    case .selection, .dialogButtonFocused, .inputFocused, .header, .footer, .footerKey:
      ThemeStyle(foreground: .terminalDefault, background: .terminalDefault, attributes: .reverse)
    default: .plain
    }
  }

  /// A built-in theme used when no theme file can be read: terminal colours, reverse video for
  /// bars and the selection.
  public static let builtIn = Theme(name: "built-in", styles: [:])
}
