import Testing

@testable import LedgerConsole

/// `x` in the detail of a failed batch sets the selected input aside, after a confirmation whose
/// default is Cancel.
@Suite struct ConsoleStateQuarantineTests {
  static let pos = "pos/20261127T101500Z_20261127T103000Z.csv"

  /// The failed batch #2 open in detail, failed at `stage` (the fixture's fails at process).
  func failedBatchOpen(readOnly: Bool = false, failedAt stage: PipelineStage = .prefetch) -> ConsoleState {
    var state = Fixtures.state(readOnly: readOnly)
    var snapshot = Fixtures.snapshot
    if let i = snapshot.jobs.firstIndex(where: { $0.seq == 2 }) {
      snapshot.jobs[i].stages = PipelineStage.allCases.map { s in
        s.rawValue < stage.rawValue ? .done : s == stage ? .failed(error: "part file checksum mismatch") : .pending
      }
    }
    _ = state.on(.snapshot(snapshot))
    _ = state.press(.up, .up, .enter)
    return state
  }

  /// Past prefetch the batch has written output, and the ledger refuses to set an input aside:
  /// the console says so at once, with what to do instead, and asks nothing.
  @Test func aBatchThatFailedAtProcessIsRefusedBeforeAnyConfirmation() {
    var state = failedBatchOpen(failedAt: .process)
    #expect(state.screen == .batchDetail(seq: 2))
    #expect(state.press(.character("x")) == [])
    #expect(state.overlay == nil)
    #expect(
      state.visibleMessage?.text
        == "batch #2 failed at process: an input can be set aside only before process; r retries it")
    #expect(state.visibleMessage?.role == .warning)
  }

  @Test func theSelectedInputIsSetAsideOnlyAfterConfirming() throws {
    var state = failedBatchOpen()
    #expect(state.screen == .batchDetail(seq: 2))
    #expect(state.press(.down, .character("x")) == [])
    guard case .confirm(let dialog) = state.overlay else {
      Issue.record("expected a confirmation, got \(String(describing: state.overlay))")
      return
    }
    #expect(dialog.title == "Set \(Self.pos) aside from batch #2?")
    #expect(!dialog.confirmFocused)
    #expect(state.press(.enter) == [])  // Cancel is the default
    #expect(state.visibleMessage?.text == "cancelled: nothing was changed")
    #expect(state.press(.character("x"), .tab, .enter) == [.quarantine(job: 2, input: Self.pos)])
    _ = state.on(.quarantineFinished(job: 2, input: Self.pos, error: nil))
    #expect(state.visibleMessage?.text == "\(Self.pos) set aside; batch #2 runs again without it")
    #expect(!state.busy)
  }

  @Test func theSelectionStaysWithinTheInputs() {
    var state = failedBatchOpen()
    _ = state.press(.down, .down, .down)
    #expect(state.selectedInput == 1)
    _ = state.press(.up, .up)
    #expect(state.selectedInput == 0)
  }

  @Test func aBatchThatDidNotFailCannotLoseAnInput() {
    var state = Fixtures.state()
    _ = state.press(.up, .up, .up, .enter)  // batch #1, done
    #expect(state.screen == .batchDetail(seq: 1))
    #expect(state.press(.character("x")) == [])
    #expect(state.overlay == nil)
    #expect(state.visibleMessage?.text == "batch #1 is done; only an input of a failed batch can be set aside")
  }

  @Test func aReadOnlyConsoleRefuses() {
    var state = failedBatchOpen(readOnly: true)
    #expect(state.press(.character("x")) == [])
    #expect(state.overlay == nil)
    #expect(state.visibleMessage?.role == .error)
  }

  @Test func theDetailMarksTheSelectedInput() {
    var state = failedBatchOpen()
    _ = state.press(.down)
    let screen = ConsoleRenderer.render(state, glyphs: .unicode)
    let rows = (0..<screen.height).map { screen.text(row: $0) }
    #expect(rows.contains { $0.hasPrefix(" › \(Self.pos)") })
    #expect(rows.contains { $0.hasPrefix("   web/20261127T101500Z_20261127T103000Z.jsonl") })
  }

  @Test func theRunnerAsksTheBackend() {
    let backend = FakeBackend()
    let event = ConsoleEffectRunner(backend: backend).perform(.quarantine(job: 2, input: Self.pos))
    #expect(event == .quarantineFinished(job: 2, input: Self.pos, error: nil))
    #expect(backend.recorded.quarantines == ["#2 \(Self.pos)"])
  }
}
