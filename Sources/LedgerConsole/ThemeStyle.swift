/// Colours and attributes of one role.
public struct ThemeStyle: Sendable, Equatable, Hashable {
  /// Text attributes.
  public struct Attributes: OptionSet, Sendable, Hashable {
    /// Raw bits.
    public let rawValue: Int
    /// Creates attributes from raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Bold.
    public static let bold = Attributes(rawValue: 1)
    /// Underlined.
    public static let underline = Attributes(rawValue: 2)
    /// Reverse video.
    public static let reverse = Attributes(rawValue: 4)
    /// Dim.
    public static let dim = Attributes(rawValue: 8)

    /// Names accepted in theme files.
    public static let names: [String: Attributes] = [
      "bold": .bold, "underline": .underline, "reverse": .reverse, "dim": .dim, "none": [],
    ]
  }

  /// Foreground colour.
  public var foreground: ThemeColor
  /// Background colour.
  public var background: ThemeColor
  /// Attributes.
  public var attributes: Attributes

  /// Creates a style.
  public init(foreground: ThemeColor, background: ThemeColor, attributes: Attributes = []) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }

  /// Terminal colours and no attributes.
  public static let plain = ThemeStyle(foreground: .terminalDefault, background: .terminalDefault)

  /// This style on an eight-colour terminal.
  public var degradedTo8: ThemeStyle {
    ThemeStyle(
      foreground: foreground.degradedTo8, background: background.degradedTo8, attributes: attributes)
  }
}
