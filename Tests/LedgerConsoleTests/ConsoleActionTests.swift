import Testing

@testable import LedgerConsole

@Suite struct ConsoleActionTests {
  @Test func keysAreBoundOncePerScreen() {
    for screen in ConsoleScreen.Kind.allCases {
      var seen: Set<ConsoleKey> = []
      for action in ConsoleAction.all where action.screens.contains(screen) {
        for key in action.keys {
          #expect(!seen.contains(key), "\(key) bound twice on \(screen)")
          seen.insert(key)
        }
      }
    }
  }

  @Test func dangerousActionsAreNotAvailableReadOnly() {
    for action in ConsoleAction.all where action.dangerous {
      #expect(!action.availableReadOnly, "\(action.id)")
    }
    #expect(ConsoleAction.all.filter(\.dangerous).map(\.id) == [.retry, .quarantine, .submit])
  }

  @Test func readOnlyFooterDropsActingKeys() {
    #expect(
      ConsoleAction.footer(on: .lines, readOnly: true).map(\.id)
        == [.help, .quit, .open, .lookup, .cycleTheme])
    #expect(
      ConsoleAction.footer(on: .lines, readOnly: false).map(\.id)
        == [.help, .quit, .open, .lookup, .retry, .correct, .cycleTheme])
  }

  @Test func screenModelClipsAndNeutralisesControlCharacters() {
    var screen = ScreenModel(height: 2, width: 5)
    #expect(screen.put("ab\tc\u{1B}def", row: 0, column: 1, role: .error) == 5)
    // Cut at the edge: the last cell marks the cut.
    #expect(screen.text(row: 0) == " ab\\…")
    var ascii = ScreenModel(height: 1, width: 5, cutMark: ">")
    ascii.put("abcdef", row: 0, column: 0, role: .normal)
    #expect(ascii.text(row: 0) == "abcd>")
    // Only spaces cut off: nothing is marked.
    ascii.put("xy      ", row: 0, column: 0, role: .normal)
    #expect(ascii.text(row: 0) == "xy")
    ascii.put("1234567", row: 0, column: 1, role: .normal, maxWidth: 3)
    #expect(ascii.text(row: 0) == "x12>")
    #expect(screen.put("x", row: 5, column: 0, role: .error) == 0)
    #expect(screen.cell(row: 0, column: 0).role == .normal)
    #expect(screen.cell(row: 0, column: 4).role == .error)
  }

  @Test func screenModelShowsControlCharactersAndBidiOverridesAsVisibleEscapes() {
    var screen = ScreenModel(height: 1, width: 40)
    #expect(screen.put("ab\tc\u{1B}[2J\u{9B}d\u{202E}é", row: 0, column: 0, role: .normal) == 33)
    #expect(screen.text(row: 0) == #"ab\u{9}c\u{1B}[2J\u{9B}d\u{202E}é"#)
  }

  @Test(arguments: [(2, 30), (10, 40), (24, 39), (11, 80)])
  func belowTheMinimumSizeTheScreenSaysWhatItNeeds(rows: Int, columns: Int) {
    let screen = ConsoleRenderer.render(Fixtures.state(rows: rows, columns: columns), glyphs: .unicode)
    #expect(screen.text(row: 0) == "terminal too small")
    if rows >= 3 {
      #expect(screen.text(row: 1) == "\(columns)×\(rows); the console")
      #expect(screen.text(row: 2) == "needs 40×12")
    }
  }

  @Test func atTheMinimumSizeTheLineViewIsDrawn() {
    let screen = ConsoleRenderer.render(Fixtures.state(rows: 12, columns: 40), glyphs: .unicode)
    #expect(screen.text(row: 0).hasPrefix(" Ledgerline"))
    #expect(screen.text(row: 11).hasPrefix(" ? help"))
  }
}
