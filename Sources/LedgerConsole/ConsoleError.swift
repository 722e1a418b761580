/// Why the console could not start or had to stop.
public enum ConsoleError: Error, Sendable, Equatable, CustomStringConvertible {
  /// stdin or stdout is not a terminal.
  case notATerminal(stream: String)
  /// ncurses does not know the terminal type.
  case unknownTerminal(term: String)
  /// A theme could not be loaded.
  case theme(ThemeError)
  /// An ncurses call failed.
  case curses(call: String)

  /// A message a person can act on.
  public var description: String {
    switch self {
    case .notATerminal(let stream):
      "the console needs a terminal, but \(stream) is not one; run it in a terminal, or use `ledgerline status` / `run` for scripts"
    case .unknownTerminal(let term):
      "unknown terminal type \"\(term)\"; set TERM to one your system knows (e.g. TERM=xterm-256color)"
    case .theme(let error):
      "theme: \(error.description)"
    case .curses(let call):
      "the terminal refused \(call); try another terminal or TERM=xterm-256color"
    }
  }
}
