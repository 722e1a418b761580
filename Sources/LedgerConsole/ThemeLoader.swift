import LedgerSystem

/// Finds and parses `*.theme` files in a themes directory.
public struct ThemeLoader: Sendable {
  /// The file name extension of theme files.
  public static let fileExtension = ".theme"

  /// The directory holding the theme files.
  public let directory: String

  /// A loader for `directory`.
  public init(directory: String) {
    self.directory = directory
  }

  /// Theme names found (file names without `.theme`), `default` first, then alphabetical.
  public func names() throws(ThemeError) -> [String] {
    let files: [String]
    do {
      files = try FileSystem.list(directory)
    } catch {
      throw .unreadable(path: error.path, reason: FileSystemError.systemMessage(error.errno))
    }
    let names = files.filter { $0.hasSuffix(Self.fileExtension) && !$0.hasPrefix(".") }
      .map { String($0.dropLast(Self.fileExtension.count)) }
    return names.filter { $0 == "default" } + names.filter { $0 != "default" }
  }

  /// Parses the theme `name`.
  public func load(_ name: String) throws(ThemeError) -> Theme {
    let available = try names()
    guard available.contains(name) else {
      throw .notFound(name: name, directory: directory, available: available)
    }
    let file = name + Self.fileExtension
    let path = directory.hasSuffix("/") ? directory + file : directory + "/" + file
    let text: String
    do {
      text = try FileSystem.readText(path)
    } catch {
      throw .unreadable(path: error.path, reason: FileSystemError.systemMessage(error.errno))
    }
    return try ThemeParser.parse(text, name: name, file: file)
  }

  /// Every theme in the directory, `default` first; the first broken file stops loading so
  /// that an edited theme's error is seen, with its line number.
  public func loadAll() throws(ThemeError) -> [Theme] {
    var themes: [Theme] = []
    for name in try names() { themes.append(try load(name)) }
    return themes
  }
}
