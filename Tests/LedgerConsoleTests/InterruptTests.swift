import Glibc
import Testing

@testable import LedgerConsole

/// Ctrl-C quits at once, except over a correction form with typed values: then it asks.
@Suite struct InterruptTests {
  static func formState(typing amount: String) -> ConsoleState {
    var state = Fixtures.state()
    state.screen = .correction
    var form = CorrectionForm(orderID: "ORD-1", currency: "USD")
    form[.amount] = amount
    state.form = form
    return state
  }

  @Test func ctrlCQuitsAtOnceOutsideAForm() {
    var state = Fixtures.state()
    #expect(state.on(.interrupt) == [.quit])
    var untouched = Self.formState(typing: "")
    #expect(untouched.on(.interrupt) == [.quit])  // nothing typed to lose
    var raw = Fixtures.state()
    #expect(raw.press(.control("c")) == [.quit])
  }

  @Test func ctrlCOverATypedFormAsksAndCancelKeepsTheForm() {
    var state = Self.formState(typing: "-12.50")
    #expect(state.on(.interrupt) == [])
    guard case .confirm(let dialog) = state.overlay else {
      Issue.record("no question: \(String(describing: state.overlay))")
      return
    }
    #expect(dialog.title == "Quit and lose the correction you are typing?")
    #expect(!dialog.confirmFocused)
    // Enter on the default (Cancel): back to the form, the typed amount still there.
    #expect(state.press(.enter) == [])
    #expect(state.overlay == nil && state.screen == .correction)
    #expect(state.form?[.amount] == "-12.50")
    // Asked again, Tab + Enter quits.
    _ = state.on(.interrupt)
    #expect(state.press(.tab, .enter) == [.quit])
  }

  @Test func aSecondCtrlCWhileAskedQuits() {
    var state = Self.formState(typing: "5")
    #expect(state.on(.interrupt) == [])
    #expect(state.on(.interrupt) == [.quit])
  }

  @Test func onlyALoneSigintIsHandedToTheForm() {
    let flag = SignalFlag()
    flag.received(SIGINT)
    #expect(flag.stopRequested)
    #expect(flag.takeInterrupt())
    #expect(!flag.stopRequested)
    // After the question, a later Ctrl-C is a first signal again, not the emergency second.
    flag.received(SIGINT)
    #expect(flag.takeInterrupt())
    let term = SignalFlag()
    term.received(SIGTERM)
    #expect(!term.takeInterrupt())
    #expect(term.stopRequested)
  }
}

/// Esc over a correction form with typed values asks before dropping them, as Ctrl-C does.
@Suite struct LeaveFormTests {
  @Test func escOverATypedFormAsksAndLeaveGoesBack() {
    var state = Fixtures.state()
    _ = state.press(.character("c"))
    #expect(state.screen == .correction)
    _ = state.type("5")
    #expect(state.press(.escape) == [])
    guard case .confirm(let dialog) = state.overlay else {
      Issue.record("no question: \(String(describing: state.overlay))")
      return
    }
    #expect(dialog.title == "Leave the form and lose the correction you are typing?")
    // Cancel (the default) keeps the form as typed.
    _ = state.press(.enter)
    #expect(state.screen == .correction && state.overlay == nil)
    #expect(state.form.map { $0.hasTypedValues } == true)
    // Leave goes back to where the form was opened from, the form dropped.
    _ = state.press(.escape, .tab, .enter)
    #expect(state.screen == .lines && state.form == nil && state.overlay == nil)
  }

  @Test func escOverAnUntouchedFormLeavesAtOnce() {
    var state = Fixtures.state()
    _ = state.press(.character("c"))
    _ = state.press(.escape)
    #expect(state.screen == .lines && state.overlay == nil)
  }
}
