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
    // Sources get the rows the table and the events leave free (at least three when there are
    // that many), so no source is hidden above empty rows.
    let feedMinimum = min(3, snapshot.feed.count + 1)
    let jobRows = min(state.jobs.count, max(3, (bottom - top) / 3))
    let free = bottom - top - 2 - 1 - jobRows - feedMinimum
    var header = HeaderView(state: state, snapshot: snapshot, glyphs: glyphs)
    header.sourceRows = max(min(3, snapshot.completeness.count), free)
    var row = header.draw(into: &screen, row: top)
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
    if let label = state.lineFilter.label {
      let note = " filter: \(label) (v) "
      screen.put(note, row: row, column: max(0, screen.width - note.count), role: .warning)
    }
    return row + 1
  }

  /// Index of the first visible job so that the selection is always on screen.
  static func firstVisible(selected: Int, visible: Int) -> Int {
    max(0, selected - max(1, visible) + 1)
  }

  private func drawTable(into screen: inout ScreenModel, rows: Range<Int>, snapshot: ConsoleSnapshot) {
    let jobs = state.jobs
    guard !jobs.isEmpty else {
      let text =
        state.lineFilter == .all
        ? "no batches yet — drop files into the inbox"
        : "no batch is \(state.lineFilter.label ?? "") (v changes the filter)"
      screen.put(text, row: rows.lowerBound, column: 2, role: .info)
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
    let overall = Self.overall(job, glyphs: glyphs)
    x = screen.put(overall.text.padded(to: Self.doneWidth), row: row, column: x, role: overall.role)
    let followed =
      state.following.map { batch in
        job.inputs.contains { $0 == batch || $0.hasSuffix("/" + batch) }
      } ?? false
    screen.put(
      Self.inputsSummary(job.inputs, width: screen.width - x, glyphs: glyphs), row: row, column: x,
      role: followed ? .following : .normal)
    if selected { screen.paint(row: row, column: 0, count: screen.width, role: .selection) }
  }

  /// The job's overall state; a job the ledger counts as started but with no stage running or
  /// retrying (queued behind an earlier batch) reads "waiting", not "running".
  static func overall(_ job: JobRow, glyphs: GlyphSet) -> (text: String, role: ScreenRole) {
    let active = job.stages.contains { cell in
      switch cell {
      case .running, .retrying: true
      case .pending, .done, .failed: false
      }
    }
    return (job.state == .running && !active ? JobRow.State.pending : job.state).display(glyphs: glyphs)
  }

  /// The inputs column in `width` characters: every input when they fit; else the distinct
  /// sources and the time range the inputs cover (`marketplace, payments 07:09:30–07:09:34Z`);
  /// else the sources; else the first source (cut with an ellipsis) and how many more.
  static func inputsSummary(_ inputs: [String], width: Int, glyphs: GlyphSet) -> String {
    let full = inputs.joined(separator: ", ")
    guard full.count > width, let first = inputs.first else { return full }
    var sources: [String] = []
    for input in inputs {
      let source = String(input.prefix { $0 != "/" })
      if !sources.contains(source) { sources.append(source) }
    }
    let names = sources.joined(separator: ", ")
    if let range = timeRange(inputs, glyphs: glyphs), names.count + 1 + range.count <= width {
      return names + " " + range
    }
    if names.count <= width { return names }
    let more = inputs.count > 1 ? " +\(inputs.count - 1)" : ""
    let source = String(first.prefix { $0 != "/" })
    return source.truncated(to: max(1, width - more.count), ellipsis: glyphs.ellipsis) + more
  }

  /// `07:09:30–07:09:34Z` from batch names `<from>_<to>.<ext>` (basic ISO-8601 instants), or
  /// `nil` when a name does not have that form.
  static func timeRange(_ inputs: [String], glyphs: GlyphSet) -> String? {
    var froms: [String] = []
    var tos: [String] = []
    for input in inputs {
      let name = Array(input.split(separator: "/").last ?? "")
      guard name.count >= 33, name[16] == "_", name[8] == "T", name[15] == "Z", name[25] == "T",
        name[32] == "Z"
      else { return nil }
      froms.append(String(name[0..<15]))
      tos.append(String(name[17..<32]))
    }
    guard let from = froms.min(), let to = tos.max() else { return nil }
    func clock(_ basic: String) -> String {
      let time = Array(basic.dropFirst(9))
      return "\(String(time[0..<2])):\(String(time[2..<4])):\(String(time[4..<6]))"
    }
    return clock(from) + glyphs.rangeDash + clock(to) + "Z"
  }
}
