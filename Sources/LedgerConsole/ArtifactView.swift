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
    screen.put(" lines (\(detail.lines.count))", row: row, column: 0, role: .title)
    let header = " " + "id".padded(to: 22) + "kind".padded(to: 13) + "amount".rightAligned(to: 16)
      + "  " + "cur".padded(to: 5) + "ts".padded(to: 22) + "source"
    screen.put(header, row: row + 1, column: 0, role: .columnHeader)
    drawLines(detail.lines, into: &screen, rows: (row + 2)..<max(row + 2, bottom))
  }

  private func drawBalances(_ summary: ArtifactSummary, into screen: inout ScreenModel, row: Int) -> Int {
    let header = " " + "currency".padded(to: 10) + "debits".rightAligned(to: 20)
      + "credits".rightAligned(to: 20) + "balance".rightAligned(to: 20)
    screen.put(header, row: row, column: 0, role: .columnHeader)
    var next = row + 1
    for currency in summary.currencies {
      let totals = summary.totals[currency] ?? CurrencyTotals()
      var x = screen.put(" " + currency.code.padded(to: 10), row: next, column: 0, role: .label)
      x = screen.put(currency.format(totals.debits).rightAligned(to: 20), row: next, column: x, role: .normal)
      x = screen.put(currency.format(totals.credits).rightAligned(to: 20), row: next, column: x, role: .normal)
      screen.put(
        currency.format(totals.balance).rightAligned(to: 20), row: next, column: x,
        role: totals.balance == 0 ? .stageDone : .warning)
      next += 1
    }
    return next
  }

  private func drawLines(_ lines: [Event], into screen: inout ScreenModel, rows: Range<Int>) {
    let start = min(pane.scroll, max(0, lines.count - 1))
    for (offset, row) in rows.enumerated() where start + offset < lines.count {
      let event = lines[start + offset]
      let role: ScreenRole = event.kind == .correction ? .correction : .normal
      var text = " " + event.id.truncated(to: 21).padded(to: 22)
      text += event.kind.rawValue.padded(to: 13)
      text += event.currency.format(event.amount).rightAligned(to: 16) + "  "
      text += event.currency.code.padded(to: 5) + event.ts.padded(to: 22)
      // A correction's reason and author come before its source so a narrow terminal shows them.
      if event.kind == .correction {
        text += "reason: \(event.reason ?? "-") by \(event.author ?? "-")  "
      }
      text += event.origin.description
      screen.put(text, row: row, column: 0, role: role)
    }
    if start + rows.count < lines.count, let last = rows.last {
      let more = " \(lines.count - start - rows.count) more lines (\(glyphs.arrows), PgDn, G) "
      screen.put(more, row: last, column: max(0, screen.width - more.count), role: .label)
    }
  }
}
