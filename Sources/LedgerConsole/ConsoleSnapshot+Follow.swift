extension ConsoleSnapshot {
  /// The job that contains input batch `batch` (matched by full `source/name` or by file name).
  public func job(containing batch: String) -> JobRow? {
    jobs.last { job in
      job.inputs.contains { $0 == batch || $0.hasSuffix("/" + batch) }
    }
  }

  /// Where a followed batch is in the line, e.g. `in batch #12: process ▶ 45%`.
  public func followStatus(of batch: String, now: Int64, glyphs: GlyphSet) -> (
    text: String, role: ScreenRole
  ) {
    guard let job = job(containing: batch) else {
      return ("following \(batch): waiting in the inbox", .following)
    }
    let current = PipelineStage.allCases.first { stage in
      if case .done = job.cell(stage) { return false }
      return true
    }
    guard let stage = current else {
      return ("following \(batch): indexed in batch #\(job.seq) \(glyphs.done)", .stageDone)
    }
    let cell = job.cell(stage).display(now: now, glyphs: glyphs)
    return ("following \(batch): batch #\(job.seq), \(stage.title) \(cell.text)", cell.role)
  }
}
