/// How the console is started.
public struct ConsoleOptions: Sendable {
  /// The theme to start with (`nil` = `default`, else the first found).
  public var themeName: String?
  /// Directories of user `*.theme` files, in order (a later one overrides an earlier one and
  /// the built-in themes).
  public var themeDirectories: [String]
  /// Force ASCII line drawing and glyphs.
  public var ascii: Bool
  /// Watch and look up only; retry and correction are refused.
  public var readOnly: Bool
  /// How often the engine is asked for a snapshot.
  public var refreshInterval: Duration

  /// Creates options.
  public init(
    themeName: String? = nil, themeDirectories: [String] = [], ascii: Bool = false,
    readOnly: Bool = false, refreshInterval: Duration = .milliseconds(100)
  ) {
    self.themeName = themeName
    self.themeDirectories = themeDirectories
    self.ascii = ascii
    self.readOnly = readOnly
    self.refreshInterval = refreshInterval
  }
}
