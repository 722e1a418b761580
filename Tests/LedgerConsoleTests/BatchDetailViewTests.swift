import Testing

@testable import LedgerConsole

@Suite struct BatchDetailViewTests {
  func render(seq: UInt64) -> ScreenModel {
    var state = Fixtures.state()
    state.screen = .batchDetail(seq: seq)
    return ConsoleRenderer.render(state, glyphs: .unicode)
  }

  @Test func showsInputsCountsStagesTimingsAndTheError() {
    let screen = render(seq: 2)
    #expect(screen.text(row: 0) == " Batch #2  │ ✗ failed")
    #expect(screen.text(row: 2) == " inputs (2)")
    #expect(screen.text(row: 3) == " › web/20261127T101500Z_20261127T103000Z.jsonl")
    #expect(screen.text(row: 4) == "   pos/20261127T101500Z_20261127T103000Z.csv")
    #expect(screen.text(row: 6) == " events 50   applied 0   keys 20   rejects 0   duplicates 0   attempts 3")
    #expect(screen.text(row: 8) == " stage       state         time")
    #expect(screen.text(row: 9) == " stateless   ✓ done        20ms")
    #expect(screen.text(row: 10) == " prefetch    ✓ done        30ms")
    #expect(screen.text(row: 11) == " process     ✗ failed      -  part file checksum mismatch")
    #expect(screen.text(row: 12) == " index       · pending     -")
    #expect(screen.text(row: 14) == " last error: part file checksum mismatch")
    #expect(screen.cell(row: 11, column: 13).role == .stageFailed)
    #expect(screen.role(of: "part file checksum mismatch") == .error)
  }

  @Test func formatsTimingsAndFlagsRejects() {
    let screen = render(seq: 1)
    #expect(screen.text(row: 7) == " stage       state         time")
    #expect(screen.text(row: 8) == " stateless   ✓ done        340ms")
    #expect(screen.text(row: 9) == " prefetch    ✓ done        1.25s")
    #expect(screen.text(row: 10) == " process     ✓ done        2.00s")
    #expect(screen.text(row: 11) == " index       ✓ done        2m05s")
    #expect(screen.role(of: "rejects") == .label)
    #expect(screen.text(row: 5) == " events 1200   applied 1199   keys 300   rejects 2   duplicates 1   attempts 4")
    #expect(screen.cell(row: 5, column: 49).role == .warning)
  }

  /// On a narrow terminal the counts continue on the next row; no number is cut.
  @Test func countsWrapOnANarrowScreenInsteadOfBeingCut() {
    var state = Fixtures.state(columns: 40)
    state.screen = .batchDetail(seq: 1)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.text(row: 5) == " events 1200   applied 1199   keys 300")
    #expect(screen.text(row: 6) == " rejects 2   duplicates 1   attempts 4")
    #expect(screen.text(row: 8) == " stage       state         time")
  }

  @Test func footerOffersRetryAndBack() {
    #expect(
      render(seq: 2).text(row: 29).hasPrefix(
        " ? help  q quit  Esc back  / lookup  r retry  x set aside  c correct  t theme"))
  }

  @Test func aPrunedBatchSaysSo() {
    let screen = render(seq: 99)
    #expect(screen.text(row: 2) == " batch #99 is no longer in the recent list (Esc goes back)")
  }
}

/// A retried stage's time is its working time; the wait for a retry or an operator is shown apart.
@Suite struct StageWaitTests {
  @Test func aStageThatWaitedSaysHowLongApartFromItsWorkingTime() {
    var snapshot = Fixtures.snapshot
    var job = Fixtures.failedJob
    job.timings = [.milliseconds(120), .milliseconds(80), .milliseconds(2_500), nil]
    job.waits = [nil, nil, .seconds(380), nil]
    snapshot.jobs = snapshot.jobs.map { $0.seq == 2 ? job : $0 }
    var state = Fixtures.state(rows: 30, columns: 120)
    _ = state.on(.snapshot(snapshot))
    _ = state.press(.up, .up, .enter)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let rows = (0..<screen.height).map { screen.text(row: $0) }
    let process = rows.first { $0.hasPrefix(" process ") } ?? ""
    #expect(process.contains("(waited "), "\(process)")
    #expect(!(rows.first { $0.hasPrefix(" stateless ") } ?? "").contains("waited"))
  }
}

/// After reduce, batch detail shows where each partition is.
@Suite struct PartitionProgressTests {
  static func render(_ partitions: [JobRow.PartitionCell], rows: Int, columns: Int, glyphs: GlyphSet) -> [String] {
    var snapshot = Fixtures.snapshot
    var job = Fixtures.failedJob
    job.partitions = partitions
    snapshot.jobs = snapshot.jobs.map { $0.seq == 2 ? job : $0 }
    var state = Fixtures.state(rows: rows, columns: columns)
    _ = state.on(.snapshot(snapshot))
    state.screen = .batchDetail(seq: 2)
    let screen = ConsoleRenderer.render(state, glyphs: glyphs)
    return (0..<screen.height).map { screen.text(row: $0) }
  }

  static let cells: [JobRow.PartitionCell] = [
    .init(partition: 0, stage: .index, cell: .done),
    .init(partition: 1, stage: .process, cell: .running(progress: 0.45)),
    .init(partition: 2, stage: .process, cell: .failed(error: "part file checksum mismatch")),
    .init(partition: 3, stage: .prefetch, cell: .pending),
  ]

  @Test func eachPartitionShowsItsStageAndStateAt80x24() throws {
    let rows = Self.render(Self.cells, rows: 24, columns: 80, glyphs: .unicode)
    let line = try #require(rows.firstIndex { $0.hasPrefix(" partitions ") }, "\(rows)")
    // 83 columns in all: the last entry goes to the next row, whole.
    #expect(rows[line] == " partitions  0 ✓ done │ 1 process ▶ 45% │ 2 process ✗ failed")
    #expect(rows[line + 1] == "             3 prefetch · pending")
    #expect(rows.contains { $0.hasPrefix(" last error: ") })
  }

  /// At 60 columns the entries that do not fit go to the next row, whole.
  @Test func entriesWrapWholeAt60x20() throws {
    let rows = Self.render(Self.cells, rows: 20, columns: 60, glyphs: .unicode)
    let line = try #require(rows.firstIndex { $0.hasPrefix(" partitions ") }, "\(rows)")
    #expect(rows[line] == " partitions  0 ✓ done │ 1 process ▶ 45% │ 2 process ✗ failed")
    #expect(rows[line + 1] == "             3 prefetch · pending")
    #expect(rows.allSatisfy { $0.count <= 60 })
  }

  @Test func noPartitionLineBeforeReduceOrWhenDone() {
    let rows = Self.render([], rows: 24, columns: 80, glyphs: .unicode)
    #expect(!rows.contains { $0.hasPrefix(" partitions ") })
  }

  @Test func asciiGlyphs() throws {
    let rows = Self.render(Self.cells, rows: 24, columns: 100, glyphs: .ascii)
    let line = try #require(rows.first { $0.hasPrefix(" partitions ") })
    let ascii = line.unicodeScalars.allSatisfy { $0.isASCII }
    #expect(ascii, "\(line)")
    #expect(line == " partitions  0 + done | 1 process > 45% | 2 process x failed | 3 prefetch . pending")
  }
}

/// While a batch reduces as several input ranges, batch detail shows where each range is.
@Suite struct RangeProgressTests {
  static func render(_ ranges: [StageCell], partitions: [JobRow.PartitionCell] = [], columns: Int) -> [String] {
    var snapshot = Fixtures.snapshot
    var job = Fixtures.failedJob
    job.ranges = ranges
    job.partitions = partitions
    snapshot.jobs = snapshot.jobs.map { $0.seq == 2 ? job : $0 }
    var state = Fixtures.state(rows: 24, columns: columns)
    _ = state.on(.snapshot(snapshot))
    state.screen = .batchDetail(seq: 2)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    return (0..<screen.height).map { screen.text(row: $0) }
  }

  @Test func eachRangeShowsItsStateAndEntriesWrapWhole() throws {
    let cells: [StageCell] = [
      .done, .running(progress: 0.3), .failed(error: "segment checksum mismatch"), .pending, .pending, .done,
    ]
    let rows = Self.render(cells, columns: 60)
    let line = try #require(rows.firstIndex { $0.hasPrefix(" ranges ") }, "\(rows)")
    #expect(rows[line] == " ranges  0 ✓ done │ 1 ▶ 30% │ 2 ✗ failed │ 3 · pending")
    #expect(rows[line + 1] == "         4 · pending │ 5 ✓ done")
  }

  @Test func noRangeLineForABatchReducedAsOneRange() {
    let rows = Self.render([], partitions: PartitionProgressTests.cells, columns: 100)
    #expect(!rows.contains { $0.hasPrefix(" ranges ") })
    #expect(rows.contains { $0.hasPrefix(" partitions ") })
  }
}
