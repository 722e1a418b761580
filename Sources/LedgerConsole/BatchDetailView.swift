/// One stateful batch: inputs, counts, per-stage state and timings, attempts, last error.
struct BatchDetailView {
  /// At most this many input files are listed.
  static let maxInputs = 8

  let job: JobRow?
  let seq: UInt64
  let now: Int64
  let glyphs: GlyphSet
  /// The input `x` would set aside (marked, and kept in view).
  var selectedInput: Int = 0

  /// Draws into rows `top..<bottom`.
  func draw(into screen: inout ScreenModel, top: Int, bottom: Int) {
    screen.fill(row: top, role: .header)
    guard let job else {
      screen.put(" Batch #\(seq)", row: top, column: 0, role: .header)
      screen.put(
        "batch #\(seq) is no longer in the recent list (Esc goes back)", row: top + 2, column: 1,
        role: .warning)
      return
    }
    let overall = LineView.overall(job, glyphs: glyphs)
    screen.put(" Batch #\(job.seq) \(glyphs.separator)\(overall.text)", row: top, column: 0, role: .header)
    var row = drawInputs(job, into: &screen, row: top + 2)
    row = drawCounts(job, into: &screen, row: row + 1)
    row = drawStages(job, into: &screen, row: row + 1)
    row = drawEntries(
      " ranges  ", job.ranges.enumerated().map { (label: "\($0.offset) ", stage: "", cell: $0.element) },
      into: &screen, row: row)
    row = drawEntries(
      " partitions  ",
      job.partitions.map { p in
        if case .done = p.cell { return (label: "\(p.partition) ", stage: "", cell: p.cell) }
        return (label: "\(p.partition) ", stage: "\(p.stage.title) ", cell: p.cell)
      }, into: &screen, row: row)
    if let error = job.lastError, row + 1 < bottom {
      let x = screen.put(" last error: ", row: row + 1, column: 0, role: .label)
      screen.put(error, row: row + 1, column: x, role: .error)
    }
  }

  private func drawInputs(_ job: JobRow, into screen: inout ScreenModel, row: Int) -> Int {
    screen.put(" inputs (\(job.inputs.count))", row: row, column: 0, role: .title)
    var next = row + 1
    // A window of `maxInputs` that keeps the selected input in view.
    let start = min(max(0, selectedInput - Self.maxInputs + 1), max(0, job.inputs.count - Self.maxInputs))
    if start > 0 {
      screen.put("   … \(start) before", row: next, column: 0, role: .label)
      next += 1
    }
    for (index, input) in job.inputs.enumerated().dropFirst(start).prefix(Self.maxInputs) {
      let selected = index == selectedInput && job.state == .failed
      screen.put(
        (selected ? " \(glyphs.pointer) " : "   ") + input, row: next, column: 0,
        role: selected ? .selection : .normal)
      next += 1
    }
    let after = job.inputs.count - start - Self.maxInputs
    if after > 0 {
      screen.put("   … and \(after) more", row: next, column: 0, role: .label)
      next += 1
    }
    return next
  }

  /// The batch's counts: `events` passed the line rules, of which `applied` were applied and
  /// `duplicates` were known ids (the rest were rejected when processed), so a batch's lines are
  /// applied + duplicates + rejects. Counts that do not fit the width continue on the next row,
  /// never cut.
  private func drawCounts(_ job: JobRow, into screen: inout ScreenModel, row: Int) -> Int {
    let counts: [(String, Int, ScreenRole)] = [
      ("events", job.events, .normal), ("applied", job.applied, .normal), ("keys", job.keys, .normal),
      ("rejects", job.rejects, job.rejects > 0 ? .warning : .normal),
      ("duplicates", job.duplicates, .normal), ("attempts", job.attempts, .normal),
    ]
    var (x, line) = (1, row)
    for (n, (label, value, role)) in counts.enumerated() {
      let text = "\(value)"
      if n > 0, x + label.count + 1 + text.count > screen.width { (x, line) = (1, line + 1) }
      x = screen.put("\(label) ", row: line, column: x, role: .label)
      x = screen.put(text, row: line, column: x, role: role)
      x = screen.put("   ", row: line, column: x, role: .normal)
    }
    return line + 1
  }

  /// Where each partition is, e.g. `partitions  0 ✓ done │ 1 process ▶ 45% │ 2 prefetch`, or
  /// while a batch reduces as several ranges, where each range is (`ranges  0 ✓ done │ 1 ▶ 45%`):
  /// entries that do not fit the width continue on the next row, never cut.
  private func drawEntries(
    _ title: String, _ entries: [(label: String, stage: String, cell: StageCell)], into screen: inout ScreenModel,
    row: Int
  ) -> Int {
    guard !entries.isEmpty else { return row }
    let indent = screen.put(title, row: row, column: 0, role: .label)
    var (x, line) = (indent, row)
    for (n, entry) in entries.enumerated() {
      let cell = entry.cell.display(now: now, glyphs: glyphs)
      let separator = n > 0 ? glyphs.separator : ""
      let width = separator.count + entry.label.count + entry.stage.count + cell.text.count
      if n > 0, x + width > screen.width {
        (x, line) = (indent, line + 1)
      } else if n > 0 {
        x = screen.put(separator, row: line, column: x, role: .label)
      }
      x = screen.put(entry.label, row: line, column: x, role: .label)
      x = screen.put(entry.stage, row: line, column: x, role: .normal)
      x = screen.put(cell.text, row: line, column: x, role: cell.role)
    }
    return line + 1
  }

  private func drawStages(_ job: JobRow, into screen: inout ScreenModel, row: Int) -> Int {
    screen.put(
      " " + "stage".padded(to: 12) + "state".padded(to: 14) + "time", row: row, column: 0,
      role: .columnHeader)
    var next = row + 1
    for stage in PipelineStage.allCases {
      let cell = job.cell(stage).display(now: now, glyphs: glyphs)
      var x = screen.put(" " + stage.title.padded(to: 12), row: next, column: 0, role: .normal)
      x = screen.put(cell.text.padded(to: 14), row: next, column: x, role: cell.role)
      x = screen.put(job.timing(stage).map(ConsoleTime.duration) ?? "-", row: next, column: x, role: .normal)
      if let wait = job.wait(stage) {
        x = screen.put("  (waited \(ConsoleTime.duration(wait)))", row: next, column: x, role: .label)
      }
      if case .failed(let error) = job.cell(stage) {
        screen.put("  " + error, row: next, column: x, role: .error)
      }
      next += 1
    }
    return next
  }
}
