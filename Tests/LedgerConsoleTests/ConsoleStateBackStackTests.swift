import Testing

@testable import LedgerConsole

/// Esc goes back where you came from, and messages belong to their screen.
@Suite struct ConsoleStateBackStackTests {
  /// Types `/ORD-1` and Enter: the artifact screen on ORD-1 with its answer.
  func lookUp(_ state: inout ConsoleState) {
    _ = state.press(.character("/"))
    _ = state.type("ORD-1")
    _ = state.press(.enter)
    _ = state.on(.lookupFinished(orderID: "ORD-1", .found(Fixtures.artifact)))
  }

  @Test func escFromACorrectionOpenedOnAnArtifactReturnsToTheArtifactThenTheLines() {
    var state = Fixtures.state()
    lookUp(&state)
    #expect(state.screen == .artifact)
    _ = state.press(.character("c"))
    #expect(state.screen == .correction)
    _ = state.press(.escape)
    #expect(state.screen == .artifact)
    _ = state.press(.escape)
    #expect(state.screen == .lines)
  }

  @Test func escFromAnArtifactOpenedOnABatchReturnsToTheBatch() {
    var state = Fixtures.state()
    _ = state.press(.up, .up, .enter)
    #expect(state.screen == .batchDetail(seq: 2))
    lookUp(&state)
    _ = state.press(.escape)
    #expect(state.screen == .batchDetail(seq: 2))
    _ = state.press(.escape)
    #expect(state.screen == .lines)
  }

  /// Opening the newest batch (the followed row) and going back while newer batches arrived
  /// returns to the batch that was opened, not to the newest one.
  @Test func escFromTheNewestBatchReturnsToItAfterNewerBatchesArrive() {
    var state = Fixtures.state()
    #expect(state.selectedJob?.seq == 4)
    _ = state.press(.enter)
    #expect(state.screen == .batchDetail(seq: 4))
    var later = Fixtures.snapshot
    var fifth = Fixtures.runningJob
    fifth.seq = 5
    later.jobs.append(fifth)
    _ = state.on(.snapshot(later))
    _ = state.press(.escape)
    #expect(state.screen == .lines)
    #expect(state.selectedJob?.seq == 4)
  }

  @Test func aMessageStaysOnItsScreen() {
    var state = Fixtures.state()
    _ = state.press(.up, .up, .up, .enter)  // batch #1, done
    _ = state.press(.character("r"))
    #expect(state.visibleMessage?.text == "batch #1 is done; only a failed batch can be retried")
    lookUp(&state)
    #expect(state.visibleMessage == nil)
    _ = state.press(.escape)
    #expect(state.visibleMessage?.text == "batch #1 is done; only a failed batch can be retried")
  }

  @Test func aMessageDoesNotShowUnderADialogOpenedAfterIt() {
    var state = Fixtures.state()
    _ = state.press(.up, .up, .enter)  // failed batch #2
    _ = state.press(.character("r"), .escape)
    #expect(state.visibleMessage?.text == "cancelled: nothing was changed")
    _ = state.press(.character("r"))
    #expect(state.overlay != nil)
    #expect(state.visibleMessage == nil)
  }

  @Test func mShowsTheMessageHistory() {
    var state = Fixtures.state()
    _ = state.press(.character("t"), .character("t"))
    _ = state.press(.character("m"))
    #expect(state.overlay == .messages)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    #expect(screen.find("Messages (2)") != nil)
    #expect(screen.find("theme: light") != nil && screen.find("theme: monochrome") != nil)
    _ = state.press(.escape)
    #expect(state.overlay == nil)
  }
}
