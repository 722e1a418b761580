import LedgerSystem

/// Every theme the console can use and where it comes from: the built-in themes (compiled in,
/// so there is colour wherever the binary runs), then user themes from each directory in order
/// (`$XDG_CONFIG_HOME/ledgerline/themes`, then `--themes DIR`); a user theme replaces the
/// built-in or earlier theme of the same name.
public struct ThemeCatalog: Sendable {
  /// One theme and its origin.
  public struct Entry: Sendable {
    public var theme: Theme
    /// `built-in`, or the file the theme was read from.
    public var origin: String
  }

  /// The themes, `default` first, then by name.
  public let entries: [Entry]

  /// Loads the built-in themes and those of `directories` (missing directories are skipped; a
  /// broken theme file stops loading with its file and line, so an edit's mistake is seen).
  public init(userDirectories directories: [String]) throws(ThemeError) {
    var byName: [String: Entry] = [:]
    for (name, text) in BuiltInThemes.sources {
      byName[name] = Entry(
        theme: try ThemeParser.parse(text, name: name, file: "\(name).theme (built in)"), origin: "built-in")
    }
    for directory in directories where FileSystem.isDirectory(directory) {
      let loader = ThemeLoader(directory: directory)
      for name in try loader.names() {
        let file = (directory.hasSuffix("/") ? directory : directory + "/") + name + ThemeLoader.fileExtension
        byName[name] = Entry(theme: try loader.load(name), origin: file)
      }
    }
    entries = byName.values.sorted { a, b in
      if (a.theme.name == "default") != (b.theme.name == "default") { return a.theme.name == "default" }
      return a.theme.name < b.theme.name
    }
  }

  /// The theme names, in cycling order.
  public var names: [String] { entries.map(\.theme.name) }
}
