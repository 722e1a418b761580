/// How the console is started.
public struct ConsoleOptions: Sendable {
  /// The theme to start with (`nil` = `default`, else the first found).
  public var themeName: String?
  /// Directory of `*.theme` files (`nil` = built-in theme only).
  public var themesDirectory: String?
  /// Force ASCII line drawing and glyphs.
  public var ascii: Bool
  /// Watch and look up only; retry and correction are refused.
  public var readOnly: Bool
  /// How often the engine is asked for a snapshot.
  public var refreshInterval: Duration

  /// Creates options.
  public init(
    themeName: String? = nil, themesDirectory: String? = nil, ascii: Bool = false,
    readOnly: Bool = false, refreshInterval: Duration = .milliseconds(100)
  ) {
    self.themeName = themeName
    self.themesDirectory = themesDirectory
    self.ascii = ascii
    self.readOnly = readOnly
    self.refreshInterval = refreshInterval
  }
}
