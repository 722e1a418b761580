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
    let options = ConsoleOptions(
      themeName: "nope", themesDirectory: shippedThemesDirectory)
    #expect(throws: ConsoleError.self) { try ConsoleApp.loadThemes(options) }
    do {
      _ = try ConsoleApp.loadThemes(options)
    } catch {
      #expect(error.description.hasPrefix("theme: no theme \"nope\" in "))
      #expect(error.description.hasSuffix("; available: default, high-contrast, light, monochrome"))
    }
  }

  @Test func themesLoadDefaultFirstAndTheBuiltInWithoutADirectory() throws {
    let themes = try ConsoleApp.loadThemes(
      ConsoleOptions(themesDirectory: shippedThemesDirectory))
    #expect(themes.map(\.name) == ["default", "high-contrast", "light", "monochrome"])
    #expect(try ConsoleApp.loadThemes(ConsoleOptions()).map(\.name) == ["built-in"])
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
        themesDirectory: shippedThemesDirectory, ascii: getenv("LEDGERLINE_ASCII") != nil))
  }
}
