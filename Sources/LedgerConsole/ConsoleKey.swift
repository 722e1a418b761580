/// A key press, decoded by the terminal adapter.
public enum ConsoleKey: Sendable, Hashable {
  /// A printable character.
  case character(Character)
  case up, down, left, right, pageUp, pageDown, home, end
  case enter, escape, backspace, tab, backTab
  /// Ctrl and a letter (`.control("u")` for Ctrl-U).
  case control(Character)
}
