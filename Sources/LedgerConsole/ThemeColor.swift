/// A terminal colour: the terminal's default, or one of 256 palette entries (0–7 are the
/// eight basic colours).
public enum ThemeColor: Sendable, Equatable, Hashable {
  /// The terminal's own foreground or background.
  case terminalDefault
  /// Palette entry 0…255.
  case palette(Int)

  /// Names accepted in theme files, with their palette numbers.
  public static let names: [String: Int] = [
    "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6,
    "white": 7, "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10,
    "bright-yellow": 11, "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14,
    "bright-white": 15,
  ]

  /// Parses `default`, a colour name or a number 0…255.
  public init?(text: String) {
    if text == "default" {
      self = .terminalDefault
    } else if let number = Self.names[text] {
      self = .palette(number)
    } else if let number = Int(text), (0...255).contains(number) {
      self = .palette(number)
    } else {
      return nil
    }
  }

  /// The nearest of the eight basic colours, for terminals with fewer than 256 colours.
  public var degradedTo8: ThemeColor {
    guard case .palette(let n) = self else { return self }
    switch n {
    case 0..<8: return self
    case 8..<16: return .palette(n - 8)
    case 16..<232:
      let cube = n - 16
      let (r, g, b) = (cube / 36, (cube / 6) % 6, cube % 6)
      if r == g, g == b { return .palette(r >= 3 ? 7 : 0) }
      // Keep the channels within one level of the strongest (and at least level 2 of 0…5).
      let top = max(r, g, b)
      let threshold = max(2, top - 1)
      let bits = (r >= threshold ? 1 : 0) | (g >= threshold ? 2 : 0) | (b >= threshold ? 4 : 0)
      return .palette(bits)
    default:
      return .palette(n >= 244 ? 7 : 0)
    }
  }

  /// The ncurses colour number (-1 for the terminal default).
  public var cursesNumber: Int {
    switch self {
    case .terminalDefault: -1
    case .palette(let n): n
    }
  }
}
