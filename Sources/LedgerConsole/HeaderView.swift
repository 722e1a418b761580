/// The line view's header: data dir, engine state, clock; throughput, backlog and sparkline,
/// last refresh; per-source completeness.
struct HeaderView {
  /// At most this many rows go to sources (the last one summarising the rest when they don't
  /// all fit); the line view gives the header what the table and the events leave free.
  var sourceRows = 3

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
    let clock = ConsoleTime.time(state.now) + " "
    let room = screen.width - clock.count - 1
    let head = " Ledgerline \(glyphs.separator)"
    var tail = "\(glyphs.separator)engine \(snapshot.engineState)"
    if let trouble = state.trouble {
      let glyph = trouble.failed ? glyphs.failed : glyphs.retrying
      let word = trouble.failed ? "failed" : "retrying"
      tail += "\(glyphs.separator)\(glyph) #\(trouble.seq) \(word) at \(trouble.stage.title) (f)"
    }
    if state.readOnly || snapshot.readOnly { tail += "\(glyphs.separator)READ-ONLY" }
    // A long data dir loses its middle first, so the engine state and the clock stay visible.
    let directory = snapshot.dataDirectory.truncatedMiddle(
      to: max(12, room - head.count - tail.count), ellipsis: glyphs.ellipsis)
    let text = (head + directory + tail).truncated(to: max(0, room), ellipsis: glyphs.ellipsis)
    screen.put(text, row: row, column: 0, role: .header)
    if room > 0 {
      screen.put(clock, row: row, column: screen.width - clock.count, role: .header)
    }
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
    let room = max(1, sourceRows)
    let shownCount = sources.count <= room ? sources.count : max(0, room - 1)
    var next = row
    for source in sources.prefix(shownCount) {
      var x = screen.put(" " + source.source.padded(to: 14), row: next, column: 0, role: .label)
      if let watermark = source.watermark {
        x = screen.put("complete through \(watermark)", row: next, column: x, role: .stageDone)
      } else {
        x = screen.put("nothing complete yet", row: next, column: x, role: .warning)
      }
      if !source.gaps.isEmpty {
        let gaps = source.gaps.map { Self.sameDay($0, as: source.watermark) }
        screen.put(
          Self.gapsText(gaps, width: screen.width - x, glyphs: glyphs), row: next, column: x,
          role: .warning)
      }
      next += 1
    }
    if sources.count > shownCount {
      screen.put(
        " +\(sources.count - shownCount) more sources (ledgerline status lists all)",
        row: next, column: 0, role: .label)
      next += 1
    }
    return next
  }

  /// The gaps after a watermark in `width` characters: all of them when they fit, else how many
  /// there are and the first, else only how many.
  static func gapsText(_ gaps: [String], width: Int, glyphs: GlyphSet) -> String {
    let all = "  gaps: " + gaps.joined(separator: ", ")
    guard all.count > width, let first = gaps.first else { return all }
    if gaps.count == 1 { return all.truncated(to: width, ellipsis: glyphs.ellipsis) }
    let candidates = [
      "  \(gaps.count) gaps, first: \(first)", "  \(gaps.count) gaps (ledgerline status lists them)",
      "  \(gaps.count) gaps",
    ]
    return candidates.first { $0.count <= width } ?? candidates[2]
  }

  /// `gap` without the date of `watermark` when both are on that day
  /// (`2026-11-27T10:45:00Z–2026-11-27T11:00:00Z missing` → `10:45:00Z–11:00:00Z missing`).
  static func sameDay(_ gap: String, as watermark: String?) -> String {
    guard let watermark, watermark.count > 11, Array(watermark)[10] == "T" else { return gap }
    return gap.replacing(String(watermark.prefix(11)), with: "")
  }
}
