import ArgumentParser
import LedgerConsole

/// `ledgerline themes`: the themes the console can use and where each comes from.
struct ThemesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "themes", abstract: "List the console's themes and where each comes from.")

  @Option(help: ArgumentHelp("Also look in this directory of *.theme files.", valueName: "dir"))
  var themes: String?

  func run() throws {
    let directories = ThemeDirectories.search(explicit: themes)
    let catalog = try ThemeCatalog(userDirectories: directories)
    let width = catalog.names.map(\.count).max() ?? 0
    for entry in catalog.entries {
      print(entry.theme.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + entry.origin)
    }
    print("searched: built-in, " + directories.joined(separator: ", "))
  }
}
