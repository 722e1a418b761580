import CNCurses
import Glibc

/// The thin ncurses adapter, and the only file that imports ncurses. It sets up the terminal,
/// decodes keys, maps roles to colour pairs and copies a ``ScreenModel`` to the screen once
/// per frame. Used only from the console loop's thread.
final class NCursesTerminal {
  /// Whether Unicode glyphs can be drawn (UTF-8 locale and not `--ascii`).
  let unicode: Bool
  /// Colour depth in use.
  let depth: Theme.Depth
  private let screenPointer: OpaquePointer
  private let window: UnsafeMutablePointer<WINDOW>
  private var attributes: [ScreenRole: attr_t] = [:]
  private var pairs: [ScreenRole: Int16] = [:]
  private var restored = false

  /// Starts ncurses on stdin/stdout. Refuses non-terminals and unknown `TERM`s.
  init(ascii: Bool, noColor: Bool) throws(ConsoleError) {
    try Self.requireTerminal()
    let utf8 = Self.setUpLocale()
    unicode = utf8 && !ascii
    guard let screen = newterm(nil, ll_stdout(), ll_stdin()) else {
      throw .unknownTerminal(term: getenv("TERM").map { String(cString: $0) } ?? "(unset)")
    }
    screenPointer = screen
    set_term(screen)
    guard let window = ll_stdscr() else { throw .curses(call: "stdscr") }
    self.window = window
    depth = Self.setUpColors(noColor: noColor)
    cbreak()
    noecho()
    nonl()
    keypad(window, true)
    curs_set(0)
    set_escdelay(25)
    wtimeout(window, 100)
  }

  /// `setlocale(LC_ALL, "")`; returns whether the user's locale is UTF-8. When it is not, the
  /// console draws ASCII (the terminal may not show UTF-8); `LC_CTYPE` is still switched to
  /// C.UTF-8 when available so ncursesw handles characters consistently.
  private static func setUpLocale() -> Bool {
    setlocale(LC_ALL, "")
    if isUTF8() { return true }
    setlocale(LC_CTYPE, "C.UTF-8")
    return false
  }

  private static func isUTF8() -> Bool {
    guard let codeset = ll_codeset() else { return false }
    let name = String(cString: codeset).uppercased()
    return name == "UTF-8" || name == "UTF8"
  }

  private static func setUpColors(noColor: Bool) -> Theme.Depth {
    guard !noColor, has_colors(), start_color() == OK else { return .monochrome }
    use_default_colors()
    return ll_colors() >= 256 ? .colors256 : (ll_colors() >= 8 ? .colors8 : .monochrome)
  }

  /// The terminal's size.
  var size: (rows: Int, columns: Int) { (Int(ll_lines()), Int(ll_cols())) }

  /// Maps every role of `theme` to a colour pair and attributes at this terminal's depth.
  func apply(_ theme: Theme) {
    for (index, role) in ScreenRole.allCases.enumerated() {
      let style = theme.style(for: role, depth: depth)
      attributes[role] = Self.cursesAttributes(style.attributes)
      guard depth != .monochrome, index + 1 < Int(ll_color_pairs()) else {
        pairs[role] = 0
        continue
      }
      let pair = Int16(index + 1)
      init_pair(pair, Int16(style.foreground.cursesNumber), Int16(style.background.cursesNumber))
      pairs[role] = pair
    }
  }

  private static func cursesAttributes(_ set: ThemeStyle.Attributes) -> attr_t {
    var value = ll_a_normal()
    if set.contains(.bold) { value |= ll_a_bold() }
    if set.contains(.underline) { value |= ll_a_underline() }
    if set.contains(.reverse) { value |= ll_a_reverse() }
    if set.contains(.dim) { value |= ll_a_dim() }
    return value
  }

  /// Copies `screen` to the terminal: one run per role change, then one `doupdate()`.
  func draw(_ screen: ScreenModel) {
    for row in 0..<min(screen.height, Int(ll_lines())) {
      var column = 0
      while column < min(screen.width, Int(ll_cols())) {
        let role = screen.cell(row: row, column: column).role
        var run: [wchar_t] = []
        let start = column
        while column < min(screen.width, Int(ll_cols())),
          screen.cell(row: row, column: column).role == role
        {
          run.append(wideChar(screen.cell(row: row, column: column).character))
          column += 1
        }
        wattr_set(window, attributes[role] ?? ll_a_normal(), pairs[role] ?? 0, nil)
        run.withUnsafeBufferPointer { buffer in
          _ = mvwaddnwstr(window, Int32(row), Int32(start), buffer.baseAddress, Int32(buffer.count))
        }
      }
    }
    wnoutrefresh(window)
    doupdate()
  }

  /// One column's character as `wchar_t`; with Unicode off, ``GlyphSet/asciiCell(_:)`` picks
  /// the nearest ASCII character. Multi-scalar characters keep their first scalar.
  private func wideChar(_ character: Character) -> wchar_t {
    guard let scalar = character.unicodeScalars.first else { return 32 }
    if !unicode { return wchar_t(GlyphSet.asciiCell(scalar)) }
    return wchar_t(bitPattern: scalar.value)
  }

  /// Waits up to 100 ms for input.
  func readInput() -> TerminalInput? {
    var code: wint_t = 0
    let status = wget_wch(window, &code)
    if status == ERR { return nil }
    if status == ll_key_code_yes() {
      if Int32(code) == KEY_RESIZE { return .resize(rows: size.rows, columns: size.columns) }
      return Self.functionKey(Int32(code)).map(TerminalInput.key)
    }
    switch code {
    case 10, 13: return .key(.enter)
    case 27: return .key(.escape)
    case 8, 127: return .key(.backspace)
    case 9: return .key(.tab)
    case 1...26: return .key(.control(Character(Unicode.Scalar(UInt8(code) + 96))))
    default:
      guard code >= 32, let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
      return .key(.character(Character(scalar)))
    }
  }

  private static func functionKey(_ code: Int32) -> ConsoleKey? {
    switch code {
    case KEY_UP: .up
    case KEY_DOWN: .down
    case KEY_LEFT: .left
    case KEY_RIGHT: .right
    case KEY_PPAGE: .pageUp
    case KEY_NPAGE: .pageDown
    case KEY_HOME: .home
    case KEY_END: .end
    case KEY_ENTER: .enter
    case KEY_BACKSPACE: .backspace
    case ll_key_btab(): .backTab
    default: nil
    }
  }

  /// Leaves curses mode and gives the terminal back; safe to call twice.
  func restore() {
    guard !restored else { return }
    restored = true
    endwin()
    delscreen(screenPointer)
  }

  /// Last-resort restore from a signal handler when the loop does not answer.
  static func emergencyRestore() {
    endwin()
  }
}

/// What the terminal reported.
enum TerminalInput: Sendable, Equatable {
  /// A key.
  case key(ConsoleKey)
  /// A new size.
  case resize(rows: Int, columns: Int)
}

extension NCursesTerminal {
  /// Throws unless standard input and standard output are both terminals (`wget_wch` on a pipe
  /// returns at once and the loop would spin). `isTerminal` is `isatty` except in tests.
  static func requireTerminal(isTerminal: (Int32) -> Bool = { isatty($0) == 1 }) throws(ConsoleError) {
    guard isTerminal(STDIN_FILENO) else { throw .notATerminal(stream: "standard input") }
    guard isTerminal(STDOUT_FILENO) else { throw .notATerminal(stream: "standard output") }
  }
}
