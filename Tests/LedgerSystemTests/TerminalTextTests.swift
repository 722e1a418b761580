import LedgerSystem
import Testing

/// Text shown on a terminal: what a terminal would obey prints as a visible `\u{X}` escape,
/// everything else is unchanged.
@Suite struct TerminalTextTests {
  @Test(arguments: [
    // C0, tab and line feed included.
    ("\u{0}", #"\u{0}"#), ("\u{7}", #"\u{7}"#), ("\u{8}", #"\u{8}"#), ("\t", #"\u{9}"#), ("\n", #"\u{A}"#),
    ("\r", #"\u{D}"#), ("\u{1B}", #"\u{1B}"#), ("\u{1F}", #"\u{1F}"#),
    // DEL and C1.
    ("\u{7F}", #"\u{7F}"#), ("\u{80}", #"\u{80}"#), ("\u{85}", #"\u{85}"#), ("\u{9B}", #"\u{9B}"#),
    ("\u{9F}", #"\u{9F}"#),
    // Bidirectional marks, embeddings, overrides and isolates.
    ("\u{200E}", #"\u{200E}"#), ("\u{200F}", #"\u{200F}"#), ("\u{202A}", #"\u{202A}"#),
    ("\u{202B}", #"\u{202B}"#), ("\u{202C}", #"\u{202C}"#), ("\u{202D}", #"\u{202D}"#),
    ("\u{202E}", #"\u{202E}"#), ("\u{2066}", #"\u{2066}"#), ("\u{2067}", #"\u{2067}"#),
    ("\u{2068}", #"\u{2068}"#), ("\u{2069}", #"\u{2069}"#),
  ])
  func eachUnsafeScalarIsShownAsItsEscape(scalar: String, shown: String) {
    #expect(TerminalText.escaped(scalar) == shown)
    #expect(TerminalText.escaped("a\(scalar)b") == "a\(shown)b")
  }

  @Test func escapeSequencesInAValueBecomeVisibleText() {
    #expect(TerminalText.escaped("\u{1B}[31mred\u{1B}[0m") == #"\u{1B}[31mred\u{1B}[0m"#)
    #expect(TerminalText.escaped("\u{1B}]0;title\u{7}") == #"\u{1B}]0;title\u{7}"#)
    #expect(TerminalText.escaped("fee\r\nwaived") == #"fee\u{D}\u{A}waived"#)
    #expect(TerminalText.escaped("invoice \u{202E}fdp.exe") == #"invoice \u{202E}fdp.exe"#)
  }

  @Test(arguments: [
    "", "ord-00000001", "plain ASCII ~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./", "café", "Müller", "日本語の注文",
    "€ 12,50", "😀", "👩‍👩‍👧 family (zero-width joiners)", "e\u{301} (combining acute)", "no\u{A0}break space",
    "\u{200B}zero width space", "עברית ومرحبا", "\u{A0}\u{A1}\u{FFFD}", "line\u{2028}separator",
  ])
  func validTextIsUnchanged(text: String) {
    #expect(TerminalText.escaped(text) == text)
    #expect(TerminalText.escapedKeepingLineFeeds(text) == text)
    #expect(!text.unicodeScalars.contains(where: TerminalText.mustEscape))
  }

  @Test func keepingLineFeedsKeepsOnlyTheLineFeed() {
    #expect(
      TerminalText.escapedKeepingLineFeeds("Error: bad '\u{1B}[2J'\r\n\tUsage: x\n")
        == "Error: bad '\\u{1B}[2J'\\u{D}\n\\u{9}Usage: x\n")
  }

  @Test func escapingTwiceChangesNothingMoreButCannotTellAnEscapeFromItsText() {
    let once = TerminalText.escaped("a\u{1B}b\u{9B}c\u{202E}d\n")
    #expect(TerminalText.escaped(once) == once)
    // Not reversible: the six characters `\u{1B}` typed as text print like ESC itself.
    #expect(TerminalText.escaped(#"\u{1B}"#) == TerminalText.escaped("\u{1B}"))
  }

  @Test func everyScalarOfTheEscapedFormIsSafe() {
    let all = String(String.UnicodeScalarView((0...0x2100).compactMap(Unicode.Scalar.init)))
    let shown = TerminalText.escaped(all)
    #expect(!shown.unicodeScalars.contains(where: TerminalText.mustEscape))
    #expect(shown.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }.isEmpty)
  }
}
