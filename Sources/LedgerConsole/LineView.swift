/// The home view: header, jobs × stages table, event pane.
public struct LineView {
  /// Width of each stage column.
  static let stageWidth = 11
  /// Left part of a row: pointer, job number, inbox column.
  static let jobWidth = 8
  static let inboxWidth = 9
  static let doneWidth = 11

  let state: ConsoleState
  let glyphs: GlyphSet

  /// A line view of `state`.
  public init(state: ConsoleState, glyphs: GlyphSet) {
    self.state = state
    self.glyphs = glyphs
  }

  /// Draws into rows `top..<bottom` of `screen`.
  public func draw(into screen: inout ScreenModel, top: Int, bottom: Int) {
    guard let snapshot = state.snapshot else {
      screen.put("waiting for the engine…", row: top, column: 1, role: .info)
      return
    }
    var row = HeaderView(state: state, snapshot: snapshot, glyphs: glyphs)
      .draw(into: &screen, row: top)
    let feedHeight = min(max(3, (bottom - row) / 4), snapshot.feed.count + 1)
    let tableBottom = bottom - feedHeight
    row = drawColumnHeader(into: &screen, row: row)
    drawTable(into: &screen, rows: row..<max(row, tableBottom), snapshot: snapshot)
    FeedView(items: snapshot.feed, glyphs: glyphs).draw(into: &screen, rows: tableBottom..<bottom)
  }

  private func drawColumnHeader(into screen: inout ScreenModel, row: Int) -> Int {
    var text = "  " + "job".padded(to: Self.jobWidth - 2) + "inbox".padded(to: Self.inboxWidth)
    for stage in PipelineStage.allCases { text += stage.title.padded(to: Self.stageWidth) }
    text += "done".padded(to: Self.doneWidth) + "inputs"
    screen.fill(row: row, role: .columnHeader)
    screen.put(text, row: row, column: 0, role: .columnHeader)
    return row + 1
  }

  /// Index of the first visible job so that the selection is always on screen.
  static func firstVisible(selected: Int, visible: Int) -> Int {
    max(0, selected - max(1, visible) + 1)
  }

  private func drawTable(into screen: inout ScreenModel, rows: Range<Int>, snapshot: ConsoleSnapshot) {
    let jobs = snapshot.jobs
    guard !jobs.isEmpty else {
      screen.put("no batches yet — drop files into the inbox", row: rows.lowerBound, column: 2, role: .info)
      return
    }
    let selected = state.selectedIndex ?? 0
    let first = Self.firstVisible(selected: selected, visible: rows.count)
    for (offset, row) in rows.enumerated() where first + offset < jobs.count {
      drawJob(jobs[first + offset], selected: first + offset == selected, into: &screen, row: row)
    }
  }

  private func drawJob(_ job: JobRow, selected: Bool, into screen: inout ScreenModel, row: Int) {
    var x = screen.put(selected ? glyphs.pointer + " " : "  ", row: row, column: 0, role: .normal)
    x = screen.put("#\(job.seq)".padded(to: Self.jobWidth - 2), row: row, column: x, role: .normal)
    let files = job.inputs.count == 1 ? "1 file" : "\(job.inputs.count) files"
    x = screen.put(files.padded(to: Self.inboxWidth), row: row, column: x, role: .normal)
    for stage in PipelineStage.allCases {
      let cell = job.cell(stage).display(now: state.now, glyphs: glyphs)
      x = screen.put(cell.text.padded(to: Self.stageWidth), row: row, column: x, role: cell.role)
    }
    let overall = job.state.display(glyphs: glyphs)
    x = screen.put(overall.text.padded(to: Self.doneWidth), row: row, column: x, role: overall.role)
    let followed = state.following.map { batch in
      job.inputs.contains { $0 == batch || $0.hasSuffix("/" + batch) }
    } ?? false
    screen.put(
      job.inputs.joined(separator: ", "), row: row, column: x,
      role: followed ? .following : .normal)
    if selected { screen.paint(row: row, column: 0, count: screen.width, role: .selection) }
  }
}
