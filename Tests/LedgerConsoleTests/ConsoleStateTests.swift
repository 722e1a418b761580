import LedgerDomain
import Testing

@testable import LedgerConsole

@Suite struct ConsoleStateNavigationTests {
  @Test func selectionFollowsTheNewestJobByDefault() {
    let state = Fixtures.state()
    #expect(state.selectedJob?.seq == 4)
    #expect(state.selectedSeq == nil)
  }

  @Test(
    arguments: [
      ([ConsoleKey.up], 3 as UInt64), ([.character("k")], 3 as UInt64), ([.up, .up, .down], 3 as UInt64),
      ([.character("g")], 1 as UInt64), ([.home], 1 as UInt64),
      ([.character("g"), .character("j")], 2 as UInt64), ([.pageUp], 1 as UInt64),
      ([.character("g"), .pageDown], 4 as UInt64), ([.up, .character("G")], 4 as UInt64),
      ([.character("g"), .up], 1 as UInt64), ([.down], 4 as UInt64),
    ] as [([ConsoleKey], UInt64)])
  func keysMoveTheSelection(keys: [ConsoleKey], expected: UInt64) {
    var state = Fixtures.state()
    for key in keys { #expect(state.on(.key(key)) == []) }
    #expect(state.selectedJob?.seq == expected)
  }

  @Test func reachingTheLastRowResumesFollowing() {
    var state = Fixtures.state()
    _ = state.press(.up, .down)
    #expect(state.selectedSeq == nil)
    var snapshot = Fixtures.snapshot
    snapshot.jobs.append(JobRow(seq: 5, inputs: [], stages: [], state: .pending))
    _ = state.on(.snapshot(snapshot))
    #expect(state.selectedJob?.seq == 5)
  }

  @Test func aPinnedSelectionStaysWhenNewJobsArrive() {
    var state = Fixtures.state()
    _ = state.press(.up)
    var snapshot = Fixtures.snapshot
    snapshot.jobs.append(JobRow(seq: 5, inputs: [], stages: [], state: .pending))
    _ = state.on(.snapshot(snapshot))
    #expect(state.selectedJob?.seq == 3)
  }

  @Test func enterOpensTheSelectedBatchAndEscapeGoesBack() {
    var state = Fixtures.state()
    _ = state.press(.up, .enter)
    #expect(state.screen == .batchDetail(seq: 3))
    _ = state.press(.escape)
    #expect(state.screen == .lines)
  }

  @Test func qQuitsAndQuestionMarkTogglesHelp() {
    var state = Fixtures.state()
    #expect(state.press(.character("?")) == [])
    #expect(state.overlay == .help)
    #expect(state.press(.character("j")) == [])
    #expect(state.overlay == .help)
    _ = state.press(.escape)
    #expect(state.overlay == nil)
    #expect(state.press(.character("q")) == [.quit])
  }

  @Test func tCyclesThemesAndWraps() {
    var state = Fixtures.state()
    #expect(state.themeName == "default")
    _ = state.press(.character("t"))
    #expect(state.themeName == "light")
    #expect(state.visibleMessage?.text == "theme: light")
    _ = state.press(.character("t"), .character("t"))
    #expect(state.themeName == "default")
  }

  @Test func resizeChangesPageSize() {
    var state = Fixtures.state()
    _ = state.on(.resize(rows: 40, columns: 100))
    #expect(state.rows == 40)
    #expect(state.columns == 100)
    #expect(state.pageSize == 28)
  }

  @Test func messagesExpireAfterTheirLifetime() {
    var state = Fixtures.state()
    _ = state.press(.character("t"))
    _ = state.on(.tick(now: Fixtures.t0 + 9))
    #expect(state.visibleMessage != nil)
    _ = state.on(.tick(now: Fixtures.t0 + 10))
    #expect(state.visibleMessage == nil)
  }
}

@Suite struct ConsoleStateRetryTests {
  /// State with the failed job (#2) selected.
  func failedSelected(readOnly: Bool = false) -> ConsoleState {
    var state = Fixtures.state(readOnly: readOnly)
    _ = state.press(.up, .up)
    return state
  }

  @Test func retryAsksForConfirmationWithCancelFocused() throws {
    var state = failedSelected()
    #expect(state.press(.character("r")) == [])
    guard case .confirm(let dialog) = state.overlay else {
      Issue.record("expected a confirmation, got \(String(describing: state.overlay))")
      return
    }
    #expect(dialog.title == "Retry batch #2?")
    #expect(dialog.confirmFocused == false)
    #expect(dialog.effect == .retry(job: 2))
  }

  @Test func enterOnTheDefaultButtonCancels() {
    var state = failedSelected()
    let effects = state.press(.character("r"), .enter)
    #expect(effects == [])
    #expect(state.overlay == nil)
    #expect(state.visibleMessage?.text == "cancelled: nothing was changed")
  }

  @Test(arguments: [ConsoleKey.tab, .right, .left, .character("l"), .character("h")])
  func movingFocusToConfirmThenEnterRetries(key: ConsoleKey) {
    var state = failedSelected()
    let effects = state.press(.character("r"), key, .enter)
    #expect(effects == [.retry(job: 2)])
    #expect(state.overlay == nil)
    #expect(state.busy)
  }

  @Test(arguments: [ConsoleKey.escape, .character("n"), .character("q")])
  func escapeAndNCancelEvenWithConfirmFocused(key: ConsoleKey) {
    var state = failedSelected()
    let effects = state.press(.character("r"), .tab, key)
    #expect(effects == [])
    #expect(state.overlay == nil)
  }

  @Test func retryOfABatchBehindAFailedOneNamesTheFailedOne() {
    var state = Fixtures.state()
    #expect(state.press(.character("r")) == [])
    #expect(state.overlay == nil)
    #expect(state.visibleMessage?.text == "batch #4 is running: it waits behind failed batch #2 (f goes there)")
  }

  @Test func retryOfANonFailedBatchWithNothingFailedBeforeItIsRefusedWithAReason() {
    var state = Fixtures.state()
    _ = state.press(.up, .up, .up)  // batch #1, done, before the failed one
    #expect(state.press(.character("r")) == [])
    #expect(state.visibleMessage?.text == "batch #1 is done; only a failed batch can be retried")
  }

  @Test func fJumpsToTheNextFailedOrRetryingBatchAndWraps() {
    var state = Fixtures.state()
    _ = state.press(.character("f"))
    #expect(state.selectedJob?.seq == 2)
    _ = state.press(.character("f"))
    #expect(state.selectedJob?.seq == 3)
    _ = state.press(.character("f"))
    #expect(state.selectedJob?.seq == 2)
  }

  @Test func retryFromBatchDetailTargetsThatBatch() {
    var state = failedSelected()
    _ = state.press(.enter)
    _ = state.press(.character("g"))  // no effect on the detail screen
    let effects = state.press(.character("r"), .tab, .enter)
    #expect(effects == [.retry(job: 2)])
  }

  @Test func readOnlyRefusesRetryWithAMessage() {
    var state = failedSelected(readOnly: true)
    #expect(state.press(.character("r")) == [])
    #expect(state.overlay == nil)
    #expect(
      state.visibleMessage?.text
        == "retry is not available: the console is read-only (restart without --read-only)")
    #expect(state.visibleMessage?.role == .error)
  }

  @Test func readOnlyRefusesTheCorrectionForm() {
    var state = Fixtures.state(readOnly: true)
    #expect(state.press(.character("c")) == [])
    #expect(state.screen == .lines)
    #expect(
      state.visibleMessage?.text
        == "correct is not available: the console is read-only (restart without --read-only)")
  }

  @Test func retryResultIsShown() {
    var state = failedSelected()
    _ = state.press(.character("r"), .tab, .enter)
    _ = state.on(.retryFinished(job: 2, error: nil))
    #expect(state.busy == false)
    #expect(state.visibleMessage?.text == "batch #2 queued for retry")
    _ = state.on(.retryFinished(job: 2, error: .notRetryable(seq: 2, state: "done")))
    #expect(state.visibleMessage?.text == "batch #2 is done; only a failed batch can be retried")
  }
}
