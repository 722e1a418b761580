/// The line view's header: data dir, engine state, clock; throughput, backlog and sparkline,
/// last refresh; per-source completeness.
struct HeaderView {
  /// At most this many sources get a row; the rest are summarised.
  static let maxSourceRows = 3

  let state: ConsoleState
  let snapshot: ConsoleSnapshot
  let glyphs: GlyphSet

  /// Draws from `row`; returns the next free row.
  func draw(into screen: inout ScreenModel, row: Int) -> Int {
    drawTitle(into: &screen, row: row)
    drawGauges(into: &screen, row: row + 1)
    return drawCompleteness(into: &screen, row: row + 2)
  }

  private func drawTitle(into screen: inout ScreenModel, row: Int) {
    screen.fill(row: row, role: .header)
    var text = " Ledgerline \(glyphs.separator)\(snapshot.dataDirectory)\(glyphs.separator)"
    text += "engine \(snapshot.engineState)"
    if state.readOnly || snapshot.readOnly { text += "\(glyphs.separator)READ-ONLY" }
    screen.put(text, row: row, column: 0, role: .header)
    let clock = ConsoleTime.time(state.now) + " "
    screen.put(clock, row: row, column: max(0, screen.width - clock.count), role: .header)
  }

  private func drawGauges(into screen: inout ScreenModel, row: Int) {
    var x = screen.put(" throughput ", row: row, column: 0, role: .label)
    x = screen.put("\(snapshot.throughput) ev/s", row: row, column: x, role: .normal)
    x = screen.put("\(glyphs.separator)backlog ", row: row, column: x, role: .label)
    x = screen.put("\(snapshot.backlog) ", row: row, column: x, role: .normal)
    x = screen.put(
      glyphs.sparkline(snapshot.backlogHistory, width: 24), row: row, column: x, role: .sparkline)
    x = screen.put("\(glyphs.separator)refreshed ", row: row, column: x, role: .label)
    screen.put(ConsoleTime.time(snapshot.takenAt), row: row, column: x, role: .normal)
  }

  private func drawCompleteness(into screen: inout ScreenModel, row: Int) -> Int {
    let sources = snapshot.completeness
    var next = row
    for source in sources.prefix(Self.maxSourceRows) {
      var x = screen.put(" " + source.source.padded(to: 14), row: next, column: 0, role: .label)
      if let watermark = source.watermark {
        x = screen.put("complete through \(watermark)", row: next, column: x, role: .stageDone)
      } else {
        x = screen.put("nothing complete yet", row: next, column: x, role: .warning)
      }
      if !source.gaps.isEmpty {
        screen.put(
          "  gaps: " + source.gaps.joined(separator: ", "), row: next, column: x, role: .warning)
      }
      next += 1
    }
    if sources.count > Self.maxSourceRows {
      screen.put(
        " +\(sources.count - Self.maxSourceRows) more sources (ledgerline status lists all)",
        row: next, column: 0, role: .label)
      next += 1
    }
    return next
  }
}
