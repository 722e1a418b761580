/// Text made safe to show on a terminal: the one definition used by every plain-text output
/// (`lookup`, `status`, `rejects`, error messages, the engine's log on standard error) and by the
/// console's screen model.
///
/// Input files, file names and typed options can hold characters that a terminal obeys instead
/// of showing: an escape sequence (ESC, or a C1 control such as U+009B, which some terminals take
/// for CSI) can recolour, move the cursor, clear the screen or set the window title; a carriage
/// return or backspace can overwrite what was printed; a bidirectional override can reorder
/// what an operator reads. Each such scalar is shown as a visible escape instead:
///
/// | scalars | which | shown as |
/// |---|---|---|
/// | U+0000–U+001F | C0 controls, tab and line feed included | `\u{0}` … `\u{9}` (tab), `\u{A}` (line feed), `\u{1B}` (ESC) … `\u{1F}` |
/// | U+007F | DEL | `\u{7F}` |
/// | U+0080–U+009F | C1 controls | `\u{80}` … `\u{9B}` (CSI) … `\u{9F}` |
/// | U+200E, U+200F | left-to-right and right-to-left marks | `\u{200E}`, `\u{200F}` |
/// | U+202A–U+202E | bidirectional embeddings and overrides | `\u{202A}` … `\u{202E}` |
/// | U+2066–U+2069 | bidirectional isolates | `\u{2066}` … `\u{2069}` |
///
/// The form is Swift's string-literal escape: `\u{`, the scalar's value in uppercase hex without
/// leading zeros, `}`. Every other scalar is kept as it is, so valid text (accents, CJK, emoji and
/// their zero-width joiners, combining marks) prints unchanged.
///
/// Escaping is idempotent (its output holds no scalar it escapes, so a second pass changes
/// nothing) but not reversible: a value that already holds the six characters `\u{1B}` prints
/// the same as one holding ESC. `--json` output keeps the exact value.
public enum TerminalText {
  /// `value` as one field: every scalar in the table above, tab and line feed included, becomes
  /// `\u{X}`. Use it for each stored or user-supplied value placed in a report, and for a
  /// one-line message as a whole.
  public static func escaped(_ value: String) -> String {
    escaping(value) { mustEscape($0) }
  }

  /// `text` of several lines that the program composed itself: as ``escaped(_:)``, but each line
  /// feed stays a line break. Only for text whose line feeds are the program's own layout, e.g. an
  /// argument parser's message with its usage lines; escape each value with ``escaped(_:)`` when
  /// the values are at hand.
  public static func escapedKeepingLineFeeds(_ text: String) -> String {
    escaping(text) { $0 != "\n" && mustEscape($0) }
  }

  /// True for a scalar a terminal could obey instead of showing: C0 (with tab and line feed),
  /// DEL, C1, and the bidirectional marks, embeddings, overrides and isolates.
  public static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// The visible form of `scalar`: `\u{1B}` for ESC.
  public static func escape(_ scalar: Unicode.Scalar) -> String {
    "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
  }

  private static func escaping(_ text: String, where unsafe: (Unicode.Scalar) -> Bool) -> String {
    guard text.unicodeScalars.contains(where: unsafe) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      if unsafe(scalar) {
        out += escape(scalar)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
