import LedgerDomain
import Testing

@testable import LedgerConsole

/// A money cell is shown whole or not at all, at every terminal width: every number on the
/// artifact screen is one of the artifact's exact amounts, never a cut one.
@Suite struct MoneyNeverCutTests {
  static let bhd = Currency(code: "BHD", minorUnits: 3)
  static let jpy = Currency(code: "JPY", minorUnits: 0)

  static func event(_ id: String, _ amount: Int64, _ currency: Currency, line: Int) -> Event {
    Event(
      id: id, orderID: "ORD-9", kind: .charge, amount: amount, currency: currency, ts: "2026-11-27T10:01:00Z",
      origin: EventOrigin(source: "web", file: "a.jsonl", line: line))
  }

  static let detail = ArtifactDetail(
    summary: ArtifactSummary(
      orderID: "ORD-9", version: 3, lineCount: 3,
      totals: [
        bhd: CurrencyTotals(balance: 28_595, debits: 9_223_372_036_854_775, credits: -9_223_372_036_826_180),
        jpy: CurrencyTotals(balance: -7, debits: 0, credits: -7),
        .usd: CurrencyTotals(balance: 0, debits: 125_000, credits: -125_000),
      ]),
    lines: [
      event("a", 9_223_372_036_854_775, bhd, line: 1), event("b", -9_223_372_036_826_180, bhd, line: 2),
      event("c", -7, jpy, line: 3),
    ],
    location: "parts/a-0000000003-1.part@0+400", version: 3)

  /// Every amount the screen may show, formatted whole.
  static var amounts: Set<String> {
    var out: Set<String> = []
    for (currency, totals) in detail.summary.totals {
      for value in [totals.balance, totals.debits, totals.credits] { out.insert(currency.format(value)) }
    }
    for line in detail.lines { out.insert(line.currency.format(line.amount)) }
    return out
  }

  static func render(columns: Int) -> [String] {
    var state = Fixtures.state(rows: 24, columns: columns)
    state.screen = .artifact
    var pane = ArtifactPane(orderID: "ORD-9", requestedAt: Fixtures.t0)
    pane.result = .found(detail)
    state.artifact = pane
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    return (0..<screen.height).map { screen.text(row: $0) }
  }

  @Test(arguments: Array(40...200))
  func everyNumberOnScreenIsAWholeAmount(columns: Int) {
    let rows = Self.render(columns: columns)
    // Rows 3... hold the balances and the lines; the header rows hold versions and offsets.
    // (A row saying which columns are hidden may name a width; it is checked on its own.)
    for row in rows.dropFirst(3) where !row.contains(" hidden") {
      // A timestamp may be cut at the screen's edge (its year reads as a number): not money.
      for token in row.split(separator: " ")
      where token.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?/) != nil
        && !Self.detail.lines.contains(where: { $0.ts.hasPrefix(token) })
      {
        #expect(Self.amounts.contains(String(token)), "\(columns) columns: \"\(token)\" in \"\(row)\"")
      }
    }
  }

  @Test func theBalanceIsShownWholeFromFortyColumnsAndHiddenColumnsAreNamed() {
    for columns in 40...52 {
      let rows = Self.render(columns: columns)
      #expect(rows.joined(separator: "\n").contains("28.595"), "\(columns) columns")
      let note = rows.first { $0.contains(" hidden") }
      #expect(
        note?.hasPrefix(" credits hidden") == true || note?.hasPrefix(" debits, credits hidden") == true,
        "\(columns): \(rows)")
      #expect((note ?? "").count <= columns)
    }
    #expect(Self.render(columns: 53).allSatisfy { !$0.contains(" hidden") })
    let wide = Self.render(columns: 120).joined(separator: "\n")
    #expect(!wide.contains("hidden"))
    #expect(wide.contains("9223372036854.775") && wide.contains("-9223372036826.180"))
  }
}
