import LedgerDomain
import Testing

@testable import LedgerConsole

@Suite struct ArtifactViewTests {
  func render(_ result: ArtifactLookup?, rows: Int = 30, columns: Int = 140, scroll: Int = 0) -> ScreenModel {
    var state = Fixtures.state(rows: rows, columns: columns)
    state.screen = .artifact
    var pane = ArtifactPane(orderID: "ORD-1", requestedAt: Fixtures.t0)
    pane.result = result
    pane.scroll = scroll
    state.artifact = pane
    return ConsoleRenderer.render(state, glyphs: .unicode)
  }

  @Test func showsStatusVersionLocationAndExactBalancesPerCurrency() {
    let screen = render(.found(Fixtures.artifact))
    #expect(screen.text(row: 0) == " Order ORD-1 │ status open │ version 12")
    #expect(screen.text(row: 1) == " location parts/000012.part@4096+812")
    #expect(
      screen.text(row: 3)
        == " cur   debits  credits  balance")
    #expect(
      screen.text(row: 4)
        == " JPY      500        0      500")
    #expect(
      screen.text(row: 5)
        == " USD    12.50   -12.50     0.00")
    #expect(screen.cell(row: 4, column: 30).role == .warning)
    #expect(screen.cell(row: 5, column: 30).role == .stageDone)
  }

  @Test func listsEveryLineWithCorrectionsHighlighted() {
    let screen = render(.found(Fixtures.artifact))
    #expect(screen.text(row: 7) == " lines (3)")
    #expect(screen.text(row: 8) == " id  kind        amount  cur  ts                    source")
    #expect(screen.text(row: 9) == " e1  charge       12.50  USD  2026-11-27T10:01:00Z  web/a.jsonl:1")
    #expect(screen.text(row: 10) == " e2  payment     -12.50  USD  2026-11-27T10:01:00Z  web/a.jsonl:2")
    #expect(
      screen.text(row: 11)
        == " e3  correction     500  JPY  2026-11-27T10:01:00Z  reason: late fee waived by ana  web/a.jsonl:3")
    #expect(screen.cell(row: 11, column: 1).role == .correction)
    #expect(screen.cell(row: 10, column: 1).role == .normal)
  }

  /// Lines as the demo writes them: 22- and 29-character ids, millisecond timestamps.
  static let realisticLines = [
    Event(
      id: "marketplace-0000000217", orderID: "ORD-1", kind: .charge, amount: 31799, currency: .usd,
      ts: "2026-11-27T07:09:28.041Z", reason: nil, author: nil,
      origin: EventOrigin(source: "marketplace", file: "20261127T070928Z_20261127T070930Z.jsonl", line: 17)),
    Event(
      id: "corr-1795763420664-2188574398", orderID: "ORD-1", kind: .correction, amount: -250,
      currency: .usd, ts: "2026-11-27T07:10:20Z", reason: "fix shipping", author: "ann",
      origin: EventOrigin(source: "corrections", file: "20261127T071020Z_20261127T071021Z.jsonl", line: 1)),
  ]

  @Test func longIdsShowInFullAndTheTimestampNeverRunsIntoTheSource() {
    var detail = Fixtures.artifact
    detail.lines = Self.realisticLines
    let screen = render(.found(detail))
    #expect(
      screen.text(row: 8)
        == " id                             kind        amount  cur  ts                        source")
    #expect(
      screen.text(row: 9)
        == " marketplace-0000000217         charge      317.99  USD  2026-11-27T07:09:28.041Z  marketplace/20261127T070928Z_20261127T070930Z.jsonl:17"
    )
    #expect(
      screen.text(row: 10)
        == " corr-1795763420664-2188574398  correction   -2.50  USD  2026-11-27T07:10:20Z      reason: fix shipping by ann  corrections/20261127T071020…"
    )
  }

  @Test func onANarrowScreenAnIdThatDoesNotFitIsCutWithAnEllipsisAndTheAmountStays() {
    var detail = Fixtures.artifact
    detail.lines = Self.realisticLines
    let screen = render(.found(detail), columns: 50)
    // The timestamp and source lie past the edge: each row's last cell says it goes on.
    #expect(screen.text(row: 8) == " id                      kind        amount  cur …")
    #expect(screen.text(row: 9) == " marketplace-0000000217  charge      317.99  USD …")
    #expect(screen.text(row: 10) == " corr-1795763420664-21…  correction   -2.50  USD …")
  }

  @Test func scrollingStartsAtTheScrollLineAndSaysHowManyRemain() {
    var lines: [Event] = []
    for index in 1...40 { lines.append(Fixtures.event("e\(index)", .charge, 100, line: index)) }
    var detail = Fixtures.artifact
    detail.lines = lines
    let screen = render(.found(detail), scroll: 5)
    #expect(screen.text(row: 9).hasPrefix(" e6 "))
    // Rows 9…26 show 18 lines (e6…e23); the last row says 17 remain, covering no line.
    #expect(screen.text(row: 26).hasPrefix(" e23 "))
    #expect(screen.text(row: 27) == " 17 more lines (↑↓, PgDn, G)")
    #expect(screen.text(row: 7) == " lines 6–23 of 40")
  }

  @Test func anAbsentOrderSaysSoClearly() {
    let screen = render(.notFound("ORD-1"))
    #expect(screen.text(row: 2) == " no artifact for order \"ORD-1\"")
    #expect(screen.role(of: "no artifact") == .warning)
  }

  @Test func aFailedLookupShowsTheError() {
    let screen = render(.error("checksum mismatch in parts/000012.part at 4096"))
    #expect(
      screen.text(row: 2)
        == " lookup of order \"ORD-1\" failed: checksum mismatch in parts/000012.part at 4096")
    #expect(screen.role(of: "lookup of order") == .error)
  }

  @Test func aPendingLookupSaysItIsLooking() {
    #expect(render(nil).text(row: 2) == " looking up order \"ORD-1\"…")
  }

  @Test func thePromptIsDrawnOnTheMessageRow() {
    var state = Fixtures.state()
    _ = state.press(.character("/"))
    _ = state.type("ORD")
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.text(row: 28) == " order id: ORD_")
    #expect(screen.role(of: "ORD_") == .inputFocused)
  }
}

/// Inside an artifact: `v` shows one kind of line, `s` searches, ←/→ scroll the lines table.
@Suite struct ArtifactLineFilterTests {
  static func state(columns: Int = 100, rows: Int = 30) -> ConsoleState {
    var state = Fixtures.state(rows: rows, columns: columns)
    state.screen = .artifact
    var pane = ArtifactPane(orderID: "ORD-1", requestedAt: Fixtures.t0)
    pane.result = .found(Fixtures.artifact)
    state.artifact = pane
    return state
  }

  static func rows(_ state: ConsoleState, glyphs: GlyphSet = .unicode) -> [String] {
    let screen = ConsoleRenderer.render(state, glyphs: glyphs)
    return (0..<screen.height).map { screen.text(row: $0) }
  }

  static func lineIDs(_ rows: [String]) -> [String] {
    rows.compactMap { row in
      let id = row.split(separator: " ").first.map(String.init) ?? ""
      return ["e1", "e2", "e3"].contains(id) ? id : nil
    }
  }

  @Test func vCyclesThroughTheKindsPresentThenEveryLine() {
    var state = Self.state()
    #expect(Self.lineIDs(Self.rows(state)) == ["e1", "e2", "e3"])
    // Kinds present, in EventKind order: charge, payment, correction.
    _ = state.press(.character("v"))
    #expect(Self.lineIDs(Self.rows(state)) == ["e1"])
    #expect(Self.rows(state).contains { $0.hasPrefix(" lines (1) of 3, charge lines") })
    _ = state.press(.character("v"))
    #expect(Self.lineIDs(Self.rows(state)) == ["e2"])
    _ = state.press(.character("v"))
    #expect(Self.lineIDs(Self.rows(state)) == ["e3"])
    #expect(Self.rows(state).contains { $0.hasPrefix(" lines (1) of 3, corrections") })
    #expect(state.visibleMessage?.text == "1 of 3 lines: corrections (v kind, s search)")
    _ = state.press(.character("v"))
    #expect(Self.lineIDs(Self.rows(state)) == ["e1", "e2", "e3"])
    #expect(state.visibleMessage?.text == "every line shown (3)")
  }

  @Test func sSearchesIdsAmountsReasonsAndAuthorsIgnoringCase() {
    var state = Self.state()
    _ = state.press(.character("s"))
    _ = state.type("WAIVED")
    #expect(Self.rows(state).last(where: { $0.hasPrefix(" search lines: ") }) == " search lines: WAIVED_")
    _ = state.press(.enter)
    #expect(Self.lineIDs(Self.rows(state)) == ["e3"])
    #expect(Self.rows(state).contains { $0.hasPrefix(#" lines (1) of 3, matching "WAIVED""#) })
    // A search that matches nothing says so; an empty one clears.
    _ = state.press(.character("s"), .control("u"))
    _ = state.type("zzz")
    _ = state.press(.enter)
    #expect(Self.lineIDs(Self.rows(state)).isEmpty)
    #expect(Self.rows(state).contains(" no line matches (v and s change the filter)"))
    _ = state.press(.character("s"), .control("u"), .enter)
    #expect(Self.lineIDs(Self.rows(state)) == ["e1", "e2", "e3"])
    // Esc cancels the prompt and keeps the search as it was.
    _ = state.press(.character("s"))
    _ = state.type("e2")
    _ = state.press(.escape)
    #expect(Self.lineIDs(Self.rows(state)) == ["e1", "e2", "e3"])
  }

  @Test func arrowsScrollTheLinesTableSideways() throws {
    var state = Self.state(columns: 60, rows: 20)
    let before = Self.rows(state)
    let header = try #require(before.firstIndex { $0.hasPrefix(" id ") })
    _ = state.press(.right)
    let after = Self.rows(state)
    #expect(after[header] == " " + String(before[header].dropFirst(1 + ConsoleState.columnStep)))
    #expect(after.contains { $0.contains("scrolled \(ConsoleState.columnStep) columns right (h/l)") })
    // Far right stops at the widest line; left comes back to the start.
    for _ in 0..<40 { _ = state.press(.character("l")) }
    let offset = try #require(state.artifact?.columnOffset)
    _ = state.press(.right)
    #expect(state.artifact?.columnOffset == offset)
    for _ in 0..<40 { _ = state.press(.left) }
    #expect(state.artifact?.columnOffset == 0)
    #expect(Self.rows(state) == before)
  }

  @Test func theFooterAndHelpOfferTheNewKeys() {
    var state = Self.state()
    let footer = Self.rows(state).last ?? ""
    #expect(footer.contains("v kind") && footer.contains("s search"), "\(footer)")
    _ = state.press(.character("?"))
    let help = Self.rows(state).joined(separator: "\n")
    #expect(help.contains("show only the lines containing a text"), "\(help)")
  }
}
