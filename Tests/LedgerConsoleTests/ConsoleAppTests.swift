import Foundation
import Glibc
import Testing

@testable import LedgerConsole

@Suite struct ConsoleAppTests {
  @Test func refusesToStartUnlessBothStandardStreamsAreTerminals() throws {
    #expect(throws: ConsoleError.notATerminal(stream: "standard input")) {
      try NCursesTerminal.requireTerminal { $0 != STDIN_FILENO }
    }
    #expect(throws: ConsoleError.notATerminal(stream: "standard output")) {
      try NCursesTerminal.requireTerminal { $0 != STDOUT_FILENO }
    }
    try NCursesTerminal.requireTerminal { _ in true }
  }

  @Test func anUnknownThemeStopsTheStartWithTheAvailableNames() {
    let options = ConsoleOptions(themeName: "nope", themeDirectories: ["/nonexistent/themes"])
    #expect(throws: ConsoleError.self) { try ConsoleApp.loadThemes(options) }
    do {
      _ = try ConsoleApp.loadThemes(options)
    } catch {
      #expect(
        error.description
          == "theme: no theme \"nope\" in built-in, /nonexistent/themes; available: default, high-contrast, light, monochrome"
      )
    }
  }

  /// With no themes folder anywhere (run from outside the repository), the shipped themes are
  /// still there, colours and all.
  @Test func theShippedThemesAreBuiltInWithTheirColours() throws {
    let themes = try ConsoleApp.loadThemes(ConsoleOptions())
    #expect(themes.map(\.name) == ["default", "high-contrast", "light", "monochrome"])
    #expect(themes.first?.styles.isEmpty == false)
  }

  @Test func aUserThemeOverridesTheBuiltInOfTheSameNameAndNewOnesJoin() throws {
    let directory = try TemporaryThemes()
    try directory.write("light", "normal = red, default\n")
    try directory.write("solar", "normal = yellow, default\n")
    let catalog = try ThemeCatalog(userDirectories: [directory.path])
    #expect(catalog.names == ["default", "high-contrast", "light", "monochrome", "solar"])
    #expect(catalog.entries.first { $0.theme.name == "light" }?.origin == directory.path + "/light.theme")
    #expect(catalog.entries.first { $0.theme.name == "default" }?.origin == "built-in")
  }

  /// themes/ is what people edit; the binary carries the same bytes (scripts/embed-themes.py).
  @Test func theBuiltInThemesAreTheShippedFiles() throws {
    for (name, text) in BuiltInThemes.sources {
      let file = try String(contentsOfFile: "\(shippedThemesDirectory)/\(name).theme", encoding: .utf8)
      #expect(text + "\n" == file, "themes/\(name).theme changed: run scripts/embed-themes.py")
    }
    let files = try ThemeLoader(directory: shippedThemesDirectory).names()
    #expect(Set(files) == Set(BuiltInThemes.sources.map(\.name)))
  }

  @Test func notATerminalMessageSaysWhatToDo() {
    #expect(
      ConsoleError.notATerminal(stream: "standard output").description
        == "the console needs a terminal, but standard output is not one; run it in a terminal, or use `ledgerline status` / `run` for scripts"
    )
  }

  /// Interactive smoke run of the real ncurses adapter: only when
  /// `LEDGERLINE_CONSOLE_SMOKE=1` and run inside a terminal (e.g. a tmux pane).
  @Test(.enabled(if: getenv("LEDGERLINE_CONSOLE_SMOKE") != nil))
  func interactiveSmoke() throws {
    try ConsoleApp.run(
      backend: FakeBackend(),
      options: ConsoleOptions(
        themeName: getenv("LEDGERLINE_THEME").map { String(cString: $0) },
        ascii: getenv("LEDGERLINE_ASCII") != nil))
  }
}

/// A temporary directory of user theme files.
final class TemporaryThemes {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.path + "/ledgerline-themes-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: "\(path)/\(name).theme", atomically: true, encoding: .utf8)
  }
}
