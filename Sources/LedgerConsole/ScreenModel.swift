import LedgerSystem

/// An in-memory screen: a grid of cells, each a character and a role. Views draw here; the
/// ncurses adapter copies it to the terminal once per frame, and tests read it back.
public struct ScreenModel: Sendable, Equatable {
  /// One cell of the grid.
  public struct Cell: Sendable, Equatable {
    /// The character shown (one column).
    public var character: Character
    /// What it means.
    public var role: ScreenRole

    /// Creates a cell.
    public init(character: Character, role: ScreenRole) {
      self.character = character
      self.role = role
    }
  }

  /// Number of rows.
  public let height: Int
  /// Number of columns.
  public let width: Int
  /// Cells, row-major.
  public private(set) var cells: [Cell]

  /// Drawn in the last cell of a text cut short (by the screen's edge or `maxWidth`), so a cut
  /// value never reads as a whole one: `…`, or `>` where the terminal shows ASCII only.
  public let cutMark: Character

  /// A blank screen of `height` rows and `width` columns.
  public init(height: Int, width: Int, cutMark: Character = "…") {
    self.height = max(0, height)
    self.width = max(0, width)
    self.cutMark = cutMark
    cells = Array(
      repeating: Cell(character: " ", role: .normal), count: self.height * self.width)
  }

  /// Writes `text` at (`row`, `column`) with `role`, clipped to the screen and to `maxWidth`;
  /// when a character other than a space is cut off, the last cell shows `cutMark`.
  /// Returns the column after the last character written. Characters a terminal would obey
  /// (controls, escapes, bidirectional overrides in user data) are drawn as their visible
  /// escape, `\u{1B}` for ESC (``TerminalText/escaped(_:)``), so they cannot move the cursor,
  /// inject terminal escapes or reorder the screen.
  @discardableResult
  public mutating func put(
    _ text: String, row: Int, column: Int, role: ScreenRole, maxWidth: Int? = nil
  ) -> Int {
    guard row >= 0, row < height else { return column }
    let limit = min(width, column + (maxWidth ?? width))
    var x = column
    let shown = TerminalText.escaped(text)
    var rest = shown[...]
    while let character = rest.first, x < limit {
      if x >= 0 {
        cells[row * width + x] = Cell(character: character, role: role)
      }
      x += 1
      rest = rest.dropFirst()
    }
    if x > max(0, column), x - 1 < width, rest.contains(where: { $0 != " " }) {
      cells[row * width + x - 1] = Cell(character: cutMark, role: role)
    }
    return x
  }

  /// Sets the role of `count` cells from (`row`, `column`) without changing their characters.
  public mutating func paint(row: Int, column: Int, count: Int, role: ScreenRole) {
    guard row >= 0, row < height else { return }
    for x in max(0, column)..<max(max(0, column), min(width, column + count)) {
      cells[row * width + x].role = role
    }
  }

  /// Fills a whole row with blanks of `role`.
  public mutating func fill(row: Int, role: ScreenRole) {
    guard row >= 0, row < height else { return }
    for x in 0..<width { cells[row * width + x] = Cell(character: " ", role: role) }
  }

  /// The cell at (`row`, `column`).
  public func cell(row: Int, column: Int) -> Cell { cells[row * width + column] }

  /// The text of `row`, trailing spaces removed.
  public func text(row: Int) -> String {
    guard row >= 0, row < height else { return "" }
    var line = String(cells[(row * width)..<(row * width + width)].map(\.character))
    while line.last == " " { line.removeLast() }
    return line
  }

  /// Every row's text, trailing spaces removed.
  public var lines: [String] { (0..<height).map { text(row: $0) } }

  /// The first (row, column) where `needle` appears, if any.
  public func find(_ needle: String) -> (row: Int, column: Int)? {
    for row in 0..<height {
      let line = Array(text(row: row))
      let target = Array(needle)
      guard !target.isEmpty, line.count >= target.count else { continue }
      for start in 0...(line.count - target.count) where Array(line[start..<start + target.count]) == target {
        return (row, start)
      }
    }
    return nil
  }

  /// The role at the first occurrence of `needle`, if found.
  public func role(of needle: String) -> ScreenRole? {
    find(needle).map { cell(row: $0.row, column: $0.column).role }
  }
}
