import Testing

@testable import LedgerConsole

/// Without UTF-8 the console draws the nearest ASCII character in each cell, never `?` for the
/// glyphs it uses itself.
@Suite struct AsciiCellTests {
  @Test func theConsolesOwnGlyphsHaveAsciiLookAlikes() {
    let unicode = GlyphSet.unicode
    let glyphs =
      [unicode.pending, unicode.running, unicode.done, unicode.retrying, unicode.failed]
      + [unicode.separator, unicode.pointer, unicode.enterKey, unicode.arrows, unicode.ellipsis, unicode.rangeDash]
      + unicode.sparkLevels.map(String.init) + [String(unicode.horizontal)]
      + ConsoleAction.all.map(\.keyLabel) + ["→"]
    for text in glyphs {
      for scalar in text.unicodeScalars where !scalar.isASCII {
        #expect(GlyphSet.asciiCell(scalar) != UInt8(ascii: "?"), "\(text) has no ASCII look-alike for \(scalar)")
      }
    }
  }

  @Test(arguments: [("↑", "^"), ("↓", "v"), ("→", ">"), ("…", "."), ("│", "|"), ("─", "-"), ("é", "?"), ("a", "a")])
  func mapsOneCellToOneCharacter(input: String, output: String) throws {
    let scalar = try #require(input.unicodeScalars.first)
    #expect(GlyphSet.asciiCell(scalar) == output.utf8.first)
  }
}
