/// Draws a whole frame of ``ConsoleState`` into a fresh ``ScreenModel``.
public enum ConsoleRenderer {
  /// The smallest terminal every view fits in (header, a few rows, events, footer).
  public static let minimumColumns = 40
  public static let minimumRows = 12

  /// The frame for `state` using `glyphs`.
  public static func render(_ state: ConsoleState, glyphs: GlyphSet) -> ScreenModel {
    var screen = ScreenModel(
      height: state.rows, width: state.columns, cutMark: glyphs.ellipsis == "…" ? "…" : ">")
    guard screen.height >= minimumRows, screen.width >= minimumColumns else {
      // Below the minimum nothing is drawn half: the notice says what is needed.
      let lines = [
        "terminal too small", "\(screen.width)×\(screen.height); the console", "needs \(minimumColumns)×\(minimumRows)",
        "(q quits)",
      ]
      for (row, line) in lines.enumerated() where row < screen.height {
        screen.put(line, row: row, column: 0, role: .warning)
      }
      return screen
    }
    let bottom = screen.height - 2
    switch state.screen {
    case .lines:
      LineView(state: state, glyphs: glyphs).draw(into: &screen, top: 0, bottom: bottom)
    case .batchDetail(let seq):
      BatchDetailView(
        job: state.jobs.first { $0.seq == seq }, seq: seq, now: state.now, glyphs: glyphs,
        selectedInput: state.selectedInput
      ).draw(into: &screen, top: 0, bottom: bottom)
    case .artifact:
      if let pane = state.artifact {
        ArtifactView(pane: pane, glyphs: glyphs).draw(into: &screen, top: 0, bottom: bottom)
      }
    case .correction:
      if let form = state.form {
        CorrectionFormView(form: form, busy: state.busy).draw(into: &screen, top: 0, bottom: bottom)
      }
    }
    FooterView(state: state, glyphs: glyphs).draw(into: &screen)
    switch state.overlay {
    case .help: DialogView(glyphs: glyphs).help(readOnly: state.readOnly, on: state.screen.kind, into: &screen)
    case .messages: DialogView(glyphs: glyphs).messages(state.messageHistory, into: &screen)
    case .events(let browser):
      DialogView(glyphs: glyphs).events(browser, items: state.snapshot?.feed ?? [], into: &screen)
    case .confirm(let dialog): DialogView(glyphs: glyphs).confirm(dialog, into: &screen)
    case .lookupPrompt, .searchPrompt, nil: break
    }
    return screen
  }
}
