import LedgerDomain

/// One artifact: location, version, status, balances per currency and every line (scrollable,
/// corrections highlighted with reason and author).
struct ArtifactView {
  let pane: ArtifactPane
  let glyphs: GlyphSet

  /// Draws into rows `top..<bottom`.
  func draw(into screen: inout ScreenModel, top: Int, bottom: Int) {
    screen.fill(row: top, role: .header)
    screen.put(" Order \(pane.orderID)", row: top, column: 0, role: .header)
    switch pane.result {
    case nil:
      screen.put("looking up order \"\(pane.orderID)\"…", row: top + 2, column: 1, role: .info)
    case .notFound(let orderID):
      screen.put("no artifact for order \"\(orderID)\"", row: top + 2, column: 1, role: .warning)
      screen.put(
        "Check the id, or wait: a new order appears once its first batch is indexed.",
        row: top + 3, column: 1, role: .label)
    case .error(let detail):
      screen.put(
        "lookup of order \"\(pane.orderID)\" failed: \(detail)", row: top + 2, column: 1,
        role: .error)
    case .found(let detail):
      drawFound(detail, into: &screen, top: top, bottom: bottom)
    }
  }

  private func drawFound(_ detail: ArtifactDetail, into screen: inout ScreenModel, top: Int, bottom: Int) {
    let summary = detail.summary
    var x = screen.put(
      " Order \(pane.orderID)\(glyphs.separator)", row: top, column: 0, role: .header)
    x = screen.put("status \(summary.status.rawValue)", row: top, column: x, role: .header)
    screen.put("\(glyphs.separator)version \(detail.version)", row: top, column: x, role: .header)
    x = screen.put(" location ", row: top + 1, column: 0, role: .label)
    screen.put(detail.location, row: top + 1, column: x, role: .normal)
    var row = drawBalances(summary, into: &screen, row: top + 3)
    row += 1
    let lines = pane.visibleLines(detail)
    let all = (row + 2)..<max(row + 2, bottom)
    let start = min(pane.scroll, max(0, lines.count - 1))
    // When lines remain below, the last row says how many (it never covers a line).
    let more = lines.count - start > all.count
    let rows: Range<Int> = more ? all.lowerBound..<max(all.lowerBound, all.upperBound - 1) : all
    let shown = min(rows.count, max(0, lines.count - start))
    let count = lines.count.formatted(grouping: ",")
    var title =
      shown < lines.count
      ? " lines \((start + 1).formatted(grouping: ","))\(glyphs.rangeDash)\((start + shown).formatted(grouping: ",")) of \(count)"
      : " lines (\(count))"
    if let label = pane.filterLabel {
      title += " of \(detail.lines.count.formatted(grouping: ",")), \(label)"
    }
    if pane.columnOffset > 0 { title += ", scrolled \(pane.columnOffset) columns right (h/l)" }
    screen.put(title, row: row, column: 0, role: .title)
    let visible = lines.dropFirst(start).prefix(rows.count)
    let columns = LineColumns(visible, width: screen.width)
    if let note = columns.hiddenNote, pane.columnOffset == 0 {
      screen.put("  " + note, row: row, column: title.count, role: .label)
    }
    screen.put(Self.shifted(columns.header, by: pane.columnOffset), row: row + 1, column: 0, role: .columnHeader)
    drawLines(lines, start: start, columns: columns, into: &screen, rows: rows)
    if lines.isEmpty, pane.isFiltered {
      screen.put(" no line matches (v and s change the filter)", row: all.lowerBound, column: 0, role: .label)
    }
    if more, let last = all.last {
      let remaining = (lines.count - start - shown).formatted(grouping: ",")
      screen.put(" \(remaining) more lines (\(glyphs.arrows), PgDn, G)", row: last, column: 0, role: .label)
    }
  }

  /// `text` with its first `offset` columns scrolled off (the leading space stays as a margin).
  static func shifted(_ text: String, by offset: Int) -> String {
    guard offset > 0 else { return text }
    return " " + String(text.dropFirst(1 + offset))
  }

  private func drawBalances(_ summary: ArtifactSummary, into screen: inout ScreenModel, row: Int) -> Int {
    let columns = MoneyColumns(summary, width: screen.width)
    screen.put(columns.header, row: row, column: 0, role: .columnHeader)
    var next = row + 1
    for currency in summary.currencies {
      let totals = summary.totals[currency] ?? CurrencyTotals()
      var x = screen.put(
        " " + currency.code.padded(to: MoneyColumns.currencyWidth - 1), row: next, column: 0, role: .label)
      for (column, text) in columns.cells(currency, totals) {
        let role: ScreenRole =
          column == .balance ? (totals.balance == 0 ? .stageDone : .warning) : .normal
        x = screen.put(text, row: next, column: x, role: role)
      }
      next += 1
    }
    if let note = columns.hiddenNote(width: screen.width) {
      screen.put(note, row: next, column: 0, role: .label)
      next += 1
    }
    return next
  }

  private func drawLines(
    _ lines: [Event], start: Int, columns: LineColumns, into screen: inout ScreenModel, rows: Range<Int>
  ) {
    for (offset, row) in rows.enumerated() where start + offset < lines.count {
      let event = lines[start + offset]
      let role: ScreenRole = event.kind == .correction ? .correction : .normal
      screen.put(
        Self.shifted(columns.row(event, ellipsis: glyphs.ellipsis), by: pane.columnOffset), row: row, column: 0,
        role: role)
    }
  }

  /// Widths of the lines table, fitted to the lines on screen: each column as wide as its
  /// widest value, two spaces apart, so `ts` never runs into the source. An id is shown in full
  /// while kind, amount and currency still fit beside it; a longer one is cut with an ellipsis.
  struct LineColumns: Equatable {
    /// Space between columns.
    static let gap = "  "
    /// An id is never cut below this.
    static let minimumID = 8

    var id: Int
    var kind: Int
    var amount: Int
    var currency: Int
    var ts: Int

    /// Whether the kind column is shown (dropped first on a narrow screen).
    var showsKind = true
    /// Whether amounts fit at all; when they don't, the amount and currency columns are left out
    /// rather than cut.
    var showsAmount = true

    init<Lines: Collection<Event>>(_ lines: Lines, width: Int) {
      kind = lines.reduce(4) { max($0, $1.kind.rawValue.count) }
      amount = lines.reduce(6) { max($0, $1.currency.format($1.amount).count) }
      currency = lines.reduce(3) { max($0, $1.currency.code.count) }
      ts = lines.reduce(2) { max($0, $1.ts.count) }
      let wanted = lines.reduce(2) { max($0, $1.id.count) }
      let gap = Self.gap.count
      // id, [kind,] amount and currency must fit whole; drop the kind, then the amounts.
      var besideID = 1 + 4 * gap + kind + amount + currency
      if Self.minimumID + besideID > width {
        showsKind = false
        besideID -= gap + kind
      }
      if Self.minimumID + besideID > width {
        showsAmount = false
        besideID = 1 + 2 * gap
      }
      id = min(wanted, max(Self.minimumID, width - besideID))
    }

    /// What the view says about columns left out, or `nil`.
    var hiddenNote: String? {
      if !showsAmount { return "amounts hidden: widen the terminal" }
      if !showsKind { return "kind hidden: widen the terminal" }
      return nil
    }

    /// The column header row.
    var header: String {
      var text = " " + "id".padded(to: id) + Self.gap
      if showsKind { text += "kind".padded(to: kind) + Self.gap }
      if showsAmount { text += "amount".rightAligned(to: amount) + Self.gap + "cur".padded(to: currency) + Self.gap }
      return text + "ts".padded(to: ts) + Self.gap + "source"
    }

    /// One line of the artifact. A correction's reason and author come before its source so a
    /// narrow terminal shows them.
    func row(_ event: Event, ellipsis: String) -> String {
      var text = " " + event.id.truncated(to: id, ellipsis: ellipsis).padded(to: id) + Self.gap
      if showsKind { text += event.kind.rawValue.padded(to: kind) + Self.gap }
      if showsAmount {
        text += event.currency.format(event.amount).rightAligned(to: amount) + Self.gap
        text += event.currency.code.padded(to: currency) + Self.gap
      }
      text += event.ts.padded(to: ts) + Self.gap
      if event.kind == .correction {
        text += "reason: \(event.reason ?? "-") by \(event.author ?? "-")" + Self.gap
      }
      return text + event.origin.description
    }
  }
}
