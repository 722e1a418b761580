import Testing

@testable import LedgerConsole

@Suite struct GlyphSetTests {
  @Test func asciiGlyphsReplaceEveryUnicodeSymbol() {
    let screen = ConsoleRenderer.render(Fixtures.state(), glyphs: .ascii)
    #expect(screen.text(row: 1) == " throughput 1234 ev/s | backlog 7 __.--=*# | refreshed 10:45:00Z")
    #expect(
      screen.text(row: 6)
        == "  #2    2 files  + done     + done     x failed   . pending  x failed   web, pos 10:15:00-10:30:00Z")
    #expect(screen.text(row: 7).contains("~ 2/5 9s"))
    #expect(screen.text(row: 8).hasPrefix("> #4    1 file   > 45%"))
    #expect(screen.text(row: 25).hasPrefix("-- events --"))
    let rendered = screen.lines.joined()
    #expect(rendered.unicodeScalars.allSatisfy { $0.isASCII }, "\(rendered.unicodeScalars.filter { !$0.isASCII })")
  }

  @Test(arguments: [
    ([0, 0, 0], "▁▁▁"), ([], ""), ([1, 8], "▁█"), ([5, 10, 0], "▄█▁"), ([3, -1], "█▁"),
  ])
  func sparklineScalesToTheLargestValue(values: [Int], expected: String) {
    #expect(GlyphSet.unicode.sparkline(values, width: 10) == expected)
  }

  @Test func sparklineKeepsTheLatestValuesWhenTooLong() {
    #expect(GlyphSet.unicode.sparkline([8, 8, 1, 8], width: 2) == "▁█")
    #expect(GlyphSet.ascii.sparkline([0, 5], width: 4) == "_#")
  }

  @Test func asciiStaysAsciiWhereTextIsCutOnANarrowScreen() {
    var state = Fixtures.state(rows: 24, columns: 60)
    var snapshot = Fixtures.snapshot
    snapshot.dataDirectory = "/tmp/ledgerline-cli-console-operator-1a2b3c4d/data"
    _ = state.on(.snapshot(snapshot))
    state.following = "corrections/20261127T104400Z_20261127T104401Z.jsonl"
    var screens = [ConsoleRenderer.render(state, glyphs: .ascii)]
    _ = state.press(.up, .up, .character("r"))
    screens.append(ConsoleRenderer.render(state, glyphs: .ascii))
    #expect(screens[0].text(row: 22).hasPrefix(" following correction...01Z.jsonl: batch #4"))
    #expect(screens[0].text(row: 22).contains("..."))
    #expect(screens[0].text(row: 0).contains("..."))
    for screen in screens {
      let rendered = screen.lines.joined()
      #expect(rendered.unicodeScalars.allSatisfy { $0.isASCII }, "\(rendered.unicodeScalars.filter { !$0.isASCII })")
    }
  }
}
