/// The glyphs used for states, sparklines and frames: Unicode, or ASCII when the terminal's
/// locale is not UTF-8 (or `--ascii` was given).
public struct GlyphSet: Sendable, Equatable {
  /// Pending stage.
  public var pending: String
  /// Running stage.
  public var running: String
  /// Done stage.
  public var done: String
  /// Retrying stage.
  public var retrying: String
  /// Failed stage.
  public var failed: String
  /// Sparkline levels, lowest first.
  public var sparkLevels: [Character]
  /// Horizontal rule.
  public var horizontal: Character
  /// Separator between header items.
  public var separator: String
  /// Selection marker.
  public var pointer: String
  /// Enter key label.
  public var enterKey: String
  /// Up/down arrows label.
  public var arrows: String
  /// Marks text cut to fit.
  public var ellipsis: String
  /// Between the two ends of a time range.
  public var rangeDash: String

  /// Unicode glyphs.
  public static let unicode = GlyphSet(
    pending: "·", running: "▶", done: "✓", retrying: "↻", failed: "✗",
    sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], horizontal: "─", separator: " │ ",
    pointer: "›", enterKey: "↵", arrows: "↑↓", ellipsis: "…", rangeDash: "–")

  /// Plain ASCII glyphs.
  public static let ascii = GlyphSet(
    pending: ".", running: ">", done: "+", retrying: "~", failed: "x",
    sparkLevels: ["_", ".", "-", "=", "*", "#"], horizontal: "-", separator: " | ",
    pointer: ">", enterKey: "Enter", arrows: "Up/Dn", ellipsis: "...", rangeDash: "-")

  /// A sparkline of `values` scaled to the largest, at most `width` characters (latest last).
  public func sparkline(_ values: [Int], width: Int) -> String {
    let tail = values.suffix(max(0, width))
    guard let top = tail.max(), top > 0 else {
      return String(repeating: sparkLevels[0], count: tail.count)
    }
    let steps = sparkLevels.count - 1
    return String(
      tail.map { value in
        sparkLevels[min(steps, max(0, value) * steps / top)]
      })
  }
}

extension GlyphSet {
  /// The ASCII character drawn in one cell for `scalar` when the terminal is not UTF-8: arrows,
  /// box lines, stage glyphs and punctuation get their nearest ASCII look-alike (one cell each,
  /// so layout is unchanged); anything else non-ASCII is `?`.
  public static func asciiCell(_ scalar: Unicode.Scalar) -> UInt8 {
    if scalar.value >= 0x20 && scalar.value <= 0x7E { return UInt8(scalar.value) }
    switch scalar {
    case "→", "›", "▶", "»", "⇒": return UInt8(ascii: ">")
    case "←", "‹", "«", "↵", "⇐": return UInt8(ascii: "<")
    case "↑", "▲": return UInt8(ascii: "^")
    case "↓", "▼": return UInt8(ascii: "v")
    case "…", "·", "•", "∙": return UInt8(ascii: ".")
    case "–", "—", "─", "━", "‐": return UInt8(ascii: "-")
    case "│", "┃", "║": return UInt8(ascii: "|")
    case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return UInt8(ascii: "+")
    case "✓", "✔": return UInt8(ascii: "+")
    case "✗", "✘", "×": return UInt8(ascii: "x")
    case "↻", "⟳": return UInt8(ascii: "~")
    case "▁", "▂", "▃", "▄": return UInt8(ascii: "_")
    case "▅", "▆", "▇", "█": return UInt8(ascii: "#")
    case "‘", "’": return UInt8(ascii: "'")
    case "“", "”": return UInt8(ascii: "\"")
    default: return UInt8(ascii: "?")
    }
  }
}
