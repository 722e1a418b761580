import Testing

@testable import LedgerConsole

@Suite struct LineViewTests {
  let screen = ConsoleRenderer.render(Fixtures.state(), glyphs: .unicode)

  @Test func headerShowsDataDirEngineClockThroughputBacklogAndRefresh() {
    #expect(screen.text(row: 0).hasPrefix(" Ledgerline  │ /data/ll │ engine running"))
    #expect(screen.text(row: 0).hasSuffix("10:45:00Z"))
    #expect(screen.cell(row: 0, column: 119).role == .header)
    #expect(screen.text(row: 1) == " throughput 1234 ev/s │ backlog 7 ▁▂▃▄▅▆▇█ │ refreshed 10:45:00Z")
    #expect(screen.role(of: "▁▂▃") == .sparkline)
    #expect(screen.role(of: "throughput") == .label)
  }

  @Test func completenessHasOneRowPerSourceWithGaps() {
    #expect(screen.text(row: 2) == " web           complete through 2026-11-27T10:30:00Z")
    #expect(screen.text(row: 3) == " pos           nothing complete yet  gaps: 10:15-10:30 missing")
    #expect(screen.role(of: "complete through") == .stageDone)
    #expect(screen.role(of: "nothing complete yet") == .warning)
    #expect(screen.role(of: "gaps:") == .warning)
  }

  @Test func columnsAreTheStagesOfTheLine() {
    #expect(
      screen.text(row: 4)
        == "  job   inbox    stateless  prefetch   process    index      done       inputs")
    #expect(screen.cell(row: 4, column: 0).role == .columnHeader)
  }

  @Test func everyStateHasAGlyphAWordAndARole() {
    #expect(
      screen.text(row: 5)
        == "  #1    1 file   ✓ done     ✓ done     ✓ done     ✓ done     ✓ done     web/20261127T100000Z_20261127T101500Z.jsonl"
    )
    #expect(
      screen.text(row: 6)
        == "  #2    2 files  ✓ done     ✓ done     ✗ failed   · pending  ✗ failed   web, pos 10:15:00–10:30:00Z")
    #expect(
      screen.text(row: 7)
        == "  #3    1 file   ✓ done     ↻ 2/5 9s   · pending  · pending  ↻ retrying web/20261127T103000Z_20261127T104500Z.jsonl"
    )
    #expect(screen.cell(row: 5, column: 17).role == .stageDone)
    #expect(screen.cell(row: 6, column: 39).role == .stageFailed)
    #expect(screen.cell(row: 6, column: 50).role == .stagePending)
    #expect(screen.cell(row: 7, column: 28).role == .stageRetrying)
  }

  @Test func theSelectedRowHasAPointerAndTheSelectionRole() {
    #expect(
      screen.text(row: 8)
        == "› #4    1 file   ▶ 45%      · pending  · pending  · pending  ▶ running  corrections 10:44:00–10:44:01Z")
    #expect((0..<120).allSatisfy { screen.cell(row: 8, column: $0).role == .selection })
  }

  @Test func retryCountdownFollowsTheClock() {
    var state = Fixtures.state()
    _ = state.on(.tick(now: Fixtures.t0 + 4))
    let later = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(later.find("↻ 2/5 5s") != nil)
    _ = state.on(.tick(now: Fixtures.t0 + 30))
    #expect(ConsoleRenderer.render(state, glyphs: .unicode).find("↻ 2/5 0s") != nil)
  }

  @Test func eventPaneShowsTheNewestEventsWithRoles() {
    #expect(screen.text(row: 25).hasPrefix("── events ──"))
    #expect(screen.text(row: 26) == " 10:44:55Z RETRY      batch #3 prefetch: cache timeout, retry 2/5 in 9s")
    #expect(screen.text(row: 27) == " 10:44:58Z FAILURE    batch #2 process: part file checksum mismatch")
    #expect(screen.role(of: "RETRY") == .stageRetrying)
    #expect(screen.role(of: "FAILURE") == .error)
  }

  @Test func footerComesFromTheActionList() {
    #expect(
      screen.text(row: 29).hasPrefix(
        " ? help  q quit  Enter detail  / lookup  r retry  c correct  t theme"))
    #expect(screen.text(row: 29).hasSuffix("theme default"))
    #expect(screen.role(of: "Enter") == .footerKey)
  }

  @Test func readOnlyHidesActionsAndSaysSo() {
    let screen = ConsoleRenderer.render(Fixtures.state(readOnly: true), glyphs: .unicode)
    #expect(screen.text(row: 29).hasPrefix(" ? help  q quit  Enter detail  / lookup  t theme"))
    #expect(screen.text(row: 29).hasSuffix("READ-ONLY theme default"))
    #expect(screen.text(row: 0).contains("engine running │ ✗ #2 failed at process (f) │ READ-ONLY"))
  }

  @Test func selectionScrollsIntoViewOnASmallTerminal() {
    var state = Fixtures.state(rows: 12, columns: 120)
    _ = state.press(.character("g"))
    var screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.text(row: 5).hasPrefix("› #1"))
    _ = state.press(.character("G"))
    screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.find("› #4") != nil)
    #expect(screen.find("#1 ") == nil)
  }

  @Test func aFollowedCorrectionIsHighlightedAndTracked() {
    var state = Fixtures.state()
    state.following = "20261127T104400Z_20261127T104401Z.jsonl"
    _ = state.press(.character("g"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.role(of: "corrections 10:44:00") == .following)
    #expect(
      screen.text(row: 28)
        == " following 20261127T104400Z_20261127T104401Z.jsonl: batch #4, stateless ▶ 45%")
  }

  @Test func waitsForTheFirstSnapshot() {
    let state = ConsoleState(readOnly: false, themeNames: [], rows: 12, columns: 60)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.text(row: 0) == " waiting for the engine…")
  }

  @Test func aJobQueuedBehindAFailedBatchReadsWaitingNotRunning() {
    let queued = JobRow(
      seq: 5, inputs: ["web/20261127T104500Z_20261127T110000Z.jsonl"],
      stages: [.done, .done, .pending, .pending], state: .running)
    var snapshot = Fixtures.snapshot
    snapshot.jobs.append(queued)
    var state = Fixtures.state()
    _ = state.on(.snapshot(snapshot))
    _ = state.press(.character("g"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(
      screen.text(row: 9)
        == "  #5    1 file   ✓ done     ✓ done     · pending  · pending  · waiting  web/20261127T104500Z_20261127T110000Z.jsonl"
    )
    #expect(screen.cell(row: 9, column: 61).role == .stagePending)
    state.screen = .batchDetail(seq: 5)
    #expect(ConsoleRenderer.render(state, glyphs: .unicode).text(row: 0) == " Batch #5  │ · waiting")
  }

  static let fourSources = ["marketplace", "payments", "royalties", "web-store"].map {
    "\($0)/20261127T070930Z_20261127T070932Z.jsonl"
  }

  @Test(arguments: [
    (fourSources, 68, "marketplace, payments, royalties, web-store 07:09:30–07:09:32Z"),
    (fourSources, 50, "marketplace, payments, royalties, web-store"),
    (fourSources, 13, "marketpla… +3"),
    (["web/a.jsonl", "pos/b.csv"], 10, "web, pos"),
    (["web/a.jsonl", "pos/b.csv"], 30, "web/a.jsonl, pos/b.csv"),
    (["corrections/20261127T104400Z_20261127T104401Z.jsonl"], 8, "correct…"),
  ])
  func inputsColumnSummarisesWhatDoesNotFit(inputs: [String], width: Int, expected: String) {
    #expect(LineView.inputsSummary(inputs, width: width, glyphs: .unicode) == expected)
  }

  @Test func eightyColumnsKeepEveryStateAndSummariseTheInputs() {
    let screen = ConsoleRenderer.render(Fixtures.state(rows: 24, columns: 80), glyphs: .unicode)
    #expect(
      screen.text(row: 0) == " Ledgerline  │ /data/ll │ engine running │ ✗ #2 failed at process (f)"
        + String(repeating: " ", count: 1)
        + "10:45:00Z")
    #expect(screen.text(row: 6) == "  #2    2 files  ✓ done     ✓ done     ✗ failed   · pending  ✗ failed   web, pos")
    #expect(screen.text(row: 8) == "› #4    1 file   ▶ 45%      · pending  · pending  · pending  ▶ running  correct…")
    #expect(screen.lines.allSatisfy { $0.count <= 80 })
    #expect(screen.text(row: 23).hasPrefix(" ? help  q quit  Enter detail"))
  }
}
