import Testing

@testable import LedgerConsole

/// Every dialog fits: a batch of 32 inputs with a long error still shows both buttons at 80×24.
@Suite struct DialogFitTests {
  @Test(arguments: [(80, 24), (60, 20), (100, 12)])
  func theRetryDialogOfABigBatchShowsBothButtons(columns: Int, rows: Int) {
    var snapshot = Fixtures.snapshot
    var big = Fixtures.failedJob
    big.inputs = (0..<32).map {
      "web/20261127T10\(String(format: "%02d", $0))00Z_20261127T10\(String(format: "%02d", $0 + 1))00Z.jsonl"
    }
    big.lastError = String(repeating: "checksum mismatch in part a-0000000002-1.part at offset 4096; ", count: 12)
    snapshot.jobs = snapshot.jobs.map { $0.seq == 2 ? big : $0 }
    var state = ConsoleState(
      readOnly: false, themeNames: ["default"], rows: rows, columns: columns, now: Fixtures.t0)
    _ = state.on(.snapshot(snapshot))
    _ = state.press(.up, .up, .character("r"))
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let text = (0..<screen.height).map { screen.text(row: $0) }.joined(separator: "\n")
    #expect(text.contains("[ Cancel ]") && text.contains("[ Retry ]"), "\(text)")
    #expect(text.contains("32 inputs: web/20261127T100000Z_20261127T100100Z.jsonl"), "\(text)")
    #expect(text.contains("… +29"), "\(text)")
  }

  @Test func inputsAreSummarisedPastThree() {
    #expect(ConsoleState.summary(of: ["a", "b"]) == "inputs: a, b")
    #expect(ConsoleState.summary(of: ["a", "b", "c", "d", "e"]) == "5 inputs: a, b, c, … +2")
  }
}
