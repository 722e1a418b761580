import Testing

@testable import LedgerConsole

@Suite struct HeaderViewTests {
  static let gaps = [
    "2026-11-27T07:09:30Z–2026-11-27T07:09:32Z pending", "2026-11-27T07:09:32Z–2026-11-27T07:09:34Z pending",
    "2026-11-27T07:09:34Z–2026-11-27T07:09:36Z pending",
  ]

  func render(columns: Int, directory: String = "/data/ll", engine: String = "running", gaps: [String] = gaps)
    -> ScreenModel
  {
    var snapshot = Fixtures.snapshot
    snapshot.dataDirectory = directory
    snapshot.engineState = engine
    snapshot.completeness = [
      SourceCompleteness(source: "marketplace", watermark: "2026-11-27T07:09:30Z", gaps: gaps)
    ]
    var state = Fixtures.state(rows: 24, columns: columns)
    _ = state.on(.snapshot(snapshot))
    return ConsoleRenderer.render(state, glyphs: .unicode)
  }

  @Test func aLongDataDirLosesItsMiddleSoTheEngineStateTheTroubleAndClockStayVisible() {
    let screen = render(columns: 90, directory: "/tmp/ledgerline-cli-console-operator-1a2b3c4d/data", engine: "idle")
    #expect(
      screen.text(row: 0)
        == " Ledgerline  │ /tmp/ledge…b3c4d/data │ engine idle │ ✗ #2 failed at process (f) 10:45:00Z")
  }

  /// The header names the batch that holds the line up: the first failed one, else the first
  /// retrying one; none when all is well.
  @Test func theHeaderNamesTheBatchThatHoldsTheLineUp() {
    var state = Fixtures.state(rows: 24, columns: 120)
    #expect(state.trouble == ConsoleState.Trouble(seq: 2, stage: .process, failed: true))
    var snapshot = Fixtures.snapshot
    snapshot.jobs = snapshot.jobs.filter { $0.seq != 2 }
    _ = state.on(.snapshot(snapshot))
    #expect(state.trouble?.failed == false)
    #expect(ConsoleRenderer.render(state, glyphs: .unicode).text(row: 0).contains("↻ #3 retrying at "))
    snapshot.jobs = snapshot.jobs.filter { $0.seq != 3 }
    _ = state.on(.snapshot(snapshot))
    #expect(state.trouble == nil)
  }

  @Test func gapsOnTheWatermarksDayDropTheDateAndAreCountedWhenTheyDoNotFit() {
    #expect(
      render(columns: 140).text(row: 2)
        == " marketplace   complete through 2026-11-27T07:09:30Z  3 gaps, first: 07:09:30Z–07:09:32Z pending")
    #expect(
      render(columns: 91).text(row: 2)
        == " marketplace   complete through 2026-11-27T07:09:30Z  3 gaps (ledgerline status lists them)")
    #expect(render(columns: 80).text(row: 2) == " marketplace   complete through 2026-11-27T07:09:30Z  3 gaps")
    #expect(render(columns: 80).role(of: "3 gaps") == .warning)
  }

  @Test func gapsThatFitAreAllListed() {
    #expect(
      render(columns: 140, gaps: Array(Self.gaps.prefix(2))).text(row: 2)
        == " marketplace   complete through 2026-11-27T07:09:30Z  gaps: 07:09:30Z–07:09:32Z pending, 07:09:32Z–07:09:34Z pending"
    )
  }

  @Test(arguments: [
    ("2026-11-27T10:45:00Z–2026-11-27T11:00:00Z missing", "2026-11-27T10:30:00Z", "10:45:00Z–11:00:00Z missing"),
    (
      "2026-11-28T00:00:00Z–2026-11-28T00:15:00Z pending", "2026-11-27T23:45:00Z",
      "2026-11-28T00:00:00Z–2026-11-28T00:15:00Z pending"
    ),
    ("10:15-10:30 missing", nil, "10:15-10:30 missing"),
  ])
  func aGapDropsOnlyTheWatermarksOwnDate(gap: String, watermark: String?, expected: String) {
    #expect(HeaderView.sameDay(gap, as: watermark) == expected)
  }
}

/// Free rows go to sources before any source is hidden.
@Suite struct SourceRowsTests {
  static func state(sources: Int, rows: Int) -> ConsoleState {
    var snapshot = Fixtures.snapshot
    snapshot.completeness = (0..<sources).map {
      SourceCompleteness(source: "source-\($0)", watermark: "2026-11-27T07:09:30Z", gaps: [])
    }
    var state = Fixtures.state(rows: rows, columns: 100)
    _ = state.on(.snapshot(snapshot))
    return state
  }

  @Test func fourSourcesAllShowWhenThereIsRoom() {
    let screen = ConsoleRenderer.render(Self.state(sources: 4, rows: 24), glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }.joined(separator: "\n")
    #expect(text.contains("source-3"), "\(text)")
    #expect(!text.contains("more sources"), "\(text)")
  }

  @Test func manySourcesAreSummarisedOnTheLastRowTheyGet() {
    let screen = ConsoleRenderer.render(Self.state(sources: 40, rows: 24), glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }
    let shown = text.filter { $0.hasPrefix(" source-") }.count
    #expect(shown >= 2)
    #expect(
      text.contains(" +\(40 - shown) more sources (ledgerline status lists all)"), "\(text.joined(separator: "\n"))")
    #expect(text.contains { $0.hasPrefix("  #2 ") || $0.hasPrefix("› #2 ") })  // the jobs still show
  }
}
