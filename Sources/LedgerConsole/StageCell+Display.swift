extension StageCell {
  /// The cell's text (glyph and word, so it reads without colour) and role. `now` drives the
  /// retry countdown.
  public func display(now: Int64, glyphs: GlyphSet) -> (text: String, role: ScreenRole) {
    switch self {
    case .pending:
      ("\(glyphs.pending) pending", .stagePending)
    case .running(let progress):
      ("\(glyphs.running) \(Int((min(1, max(0, progress)) * 100).rounded(.down)))%", .stageRunning)
    case .done:
      ("\(glyphs.done) done", .stageDone)
    case .retrying(let attempt, let of, let retryAt):
      ("\(glyphs.retrying) \(attempt)/\(of) \(max(0, retryAt - now))s", .stageRetrying)
    case .failed:
      ("\(glyphs.failed) failed", .stageFailed)
    }
  }
}

extension JobRow.State {
  /// The job's overall state as glyph and word, and its role.
  public func display(glyphs: GlyphSet) -> (text: String, role: ScreenRole) {
    switch self {
    case .pending: ("\(glyphs.pending) waiting", .stagePending)
    case .running: ("\(glyphs.running) running", .stageRunning)
    case .done: ("\(glyphs.done) done", .stageDone)
    case .retrying: ("\(glyphs.retrying) retrying", .stageRetrying)
    case .failed: ("\(glyphs.failed) failed", .stageFailed)
    }
  }
}
