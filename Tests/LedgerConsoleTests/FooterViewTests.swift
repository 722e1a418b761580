import Testing

@testable import LedgerConsole

@Suite struct FooterViewTests {
  @Test func aFollowedBatchNameLosesItsMiddleSoWhereItIsStaysReadable() {
    var state = Fixtures.state(rows: 24, columns: 80)
    state.following = "corrections/20261127T104400Z_20261127T104401Z.jsonl"
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(
      screen.text(row: 22)
        == " following corrections/20261127T…261127T104401Z.jsonl: batch #4, stateless ▶ 45%")
    #expect(screen.role(of: "following") == .stageRunning)
  }

  @Test func aLongMessageEndsInAnEllipsis() {
    var state = Fixtures.state(rows: 24, columns: 40)
    state.post(String(repeating: "x", count: 60), role: .error)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.text(row: 22) == " " + String(repeating: "x", count: 38) + "…")
  }
}
