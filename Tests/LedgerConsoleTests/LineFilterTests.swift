import Testing

@testable import LedgerConsole

/// `v` narrows the line view to batches in trouble or to one source's; the header's trouble
/// marker still sees every batch.
@Suite struct LineFilterTests {
  @Test func vCyclesAllTroubleAndEachSource() {
    var state = Fixtures.state()
    #expect(state.jobs.map(\.seq) == [1, 2, 3, 4])
    _ = state.press(.character("v"))
    #expect(state.lineFilter == .trouble)
    #expect(state.jobs.map(\.seq) == [2, 3])
    _ = state.press(.character("v"))
    #expect(state.lineFilter == .source("corrections"))
    #expect(state.jobs.map(\.seq) == [4])
    _ = state.press(.character("v"), .character("v"))
    #expect(state.lineFilter == .source("web"))
    _ = state.press(.character("v"))
    #expect(state.lineFilter == .all)
  }

  @Test func theTableSaysTheFilterAndTheHeaderStillNamesTheTrouble() {
    var state = Fixtures.state(rows: 24, columns: 120)
    _ = state.press(.character("v"), .character("v"))  // source corrections
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let rows = (0..<screen.height).map { screen.text(row: $0) }
    #expect(rows.contains { $0.hasSuffix("filter: source corrections (v)") })
    #expect(!rows.contains { $0.hasPrefix("  #2 ") })
    #expect(rows[0].contains("#2 failed at process (f)"))
  }

  @Test func jumpingToTroubleHiddenByTheFilterTurnsItOff() {
    var state = Fixtures.state()
    _ = state.press(.character("v"), .character("v"))  // source corrections: #4 only
    _ = state.press(.character("f"))
    #expect(state.lineFilter == .all)
    #expect(state.selectedJob?.seq == 2)
  }
}
