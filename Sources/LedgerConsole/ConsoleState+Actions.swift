extension ConsoleState {
  /// Performs a bound action, refusing actions that a read-only console may not use.
  mutating func perform(_ action: ConsoleAction) -> [ConsoleEffect] {
    if readOnly && !action.availableReadOnly {
      post(ConsoleActionError.readOnly(action: action.label).description, role: .error)
      return []
    }
    switch action.id {
    case .quit: return [.quit]
    case .help: overlay = .help
    case .back: return leave()
    case .up, .down, .pageUp, .pageDown, .top, .bottom: move(action.id)
    case .open: openSelectedJob()
    case .lookup: overlay = .lookupPrompt("")
    case .correct: openCorrectionForm()
    case .retry: return askRetry(dangerous: action.dangerous)
    case .quarantine: return askQuarantine(dangerous: action.dangerous)
    case .nextTrouble: jumpToTrouble()
    case .messages: overlay = .messages
    case .events: overlay = .events(EventBrowser(count: snapshot?.feed.count ?? 0))
    case .filter where screen == .artifact:
      cycleArtifactKind()
    case .filter:
      lineFilter = lineFilter.next(sources: allJobs)
      post("showing \(lineFilter.label ?? "all batches") (v changes it)", role: .info)
    case .search: overlay = .searchPrompt(artifact?.search ?? "")
    case .scrollLeft: scrollArtifactColumns(by: -Self.columnStep)
    case .scrollRight: scrollArtifactColumns(by: Self.columnStep)
    case .submit: return submitForm(dangerous: action.dangerous)
    case .cycleTheme: cycleTheme()
    case .nextField: moveFocus(by: 1)
    case .previousField: moveFocus(by: -1)
    }
    return []
  }

  /// The question Ctrl-C asks over a form with typed values.
  static let quitQuestion = "Quit and lose the correction you are typing?"

  /// Ctrl-C: quits, unless a correction form holds typed values: then it asks first (Cancel
  /// focused; a second Ctrl-C while asked quits).
  mutating func onInterrupt() -> [ConsoleEffect] {
    if case .confirm(let dialog) = overlay, dialog.title == Self.quitQuestion { return [.quit] }
    guard screen == .correction, let form, form.hasTypedValues else { return [.quit] }
    overlay = .confirm(
      Confirmation(
        title: Self.quitQuestion,
        lines: [
          "The form for order \(form[.orderID]) is not submitted; quitting drops what you typed.",
          "Cancel goes back to the form. Ctrl-C again quits.",
        ], confirmLabel: "Quit", effect: .quit))
    return []
  }

  /// The question Esc asks over a form with typed values.
  static let leaveQuestion = "Leave the form and lose the correction you are typing?"

  /// Esc: back, unless a correction form holds typed values: then it asks first (Cancel focused).
  private mutating func leave() -> [ConsoleEffect] {
    if screen == .correction, let form, form.hasTypedValues {
      // A submission waiting for its order lookup is withdrawn: Enter submits again if the
      // person stays.
      pendingCorrection = nil
      overlay = .confirm(
        Confirmation(
          title: Self.leaveQuestion,
          lines: ["The form for order \(form[.orderID]) is not submitted; leaving drops what you typed."],
          confirmLabel: "Leave", effect: .leaveForm))
      return []
    }
    goBack()
    return []
  }

  /// Esc: back to the screen this one was opened from (the line view at the bottom).
  mutating func goBack() {
    if screen == .correction {
      form = nil
      pendingCorrection = nil  // a lookup still under way no longer leads to a confirmation
    }
    var previous = backStack.popLast() ?? .lines
    // A screen whose content is gone (an artifact pane closed) is skipped.
    while previous == .artifact && artifact == nil { previous = backStack.popLast() ?? .lines }
    if previous == .correction && form == nil { previous = backStack.popLast() ?? .lines }
    screen = previous
  }

  private mutating func openSelectedJob() {
    guard let job = selectedJob else {
      post("no batch to open yet", role: .warning)
      return
    }
    navigate(to: .batchDetail(seq: job.seq))
    selectedInput = 0
    // The batch opened stays selected: Esc returns to it even if newer batches arrived meanwhile
    // (following the newest row would have moved the selection away while the detail was open).
    selectedSeq = job.seq
  }

  private mutating func cycleTheme() {
    guard !themeNames.isEmpty else {
      post("no themes loaded", role: .warning)
      return
    }
    themeIndex = (themeIndex + 1) % themeNames.count
    post("theme: \(themeNames[themeIndex])", role: .info)
  }

  /// The job a retry would target: the open batch, else the selected row.
  var retryTarget: JobRow? {
    if case .batchDetail(let seq) = screen { return jobs.first { $0.seq == seq } }
    return selectedJob
  }

  private mutating func askRetry(dangerous: Bool) -> [ConsoleEffect] {
    guard let job = retryTarget else {
      post("no batch selected", role: .warning)
      return []
    }
    guard job.state == .failed else {
      if let blocker = trouble, blocker.failed, blocker.seq < job.seq {
        post(
          "batch #\(job.seq) is \(job.state.rawValue): it waits behind failed batch #\(blocker.seq) (f goes there)",
          role: .warning)
      } else {
        post(
          ConsoleActionError.notRetryable(seq: job.seq, state: job.state.rawValue).description,
          role: .warning)
      }
      return []
    }
    var lines = [Self.summary(of: job.inputs)]
    if let error = job.lastError { lines.append("last error: \(error)") }
    lines.append("The failed stages run again. This is written to the audit log.")
    let dialog = Confirmation(
      title: "Retry batch #\(job.seq)?", lines: lines, confirmLabel: "Retry",
      effect: .retry(job: job.seq))
    return confirmOrRun(dialog, dangerous: dangerous)
  }

  /// `inputs: a, b` or, past three, `32 inputs: a, b, c, … +29`, so a dialog always fits.
  static func summary(of inputs: [String], shown: Int = 3) -> String {
    guard inputs.count > shown else { return "inputs: \(inputs.joined(separator: ", "))" }
    return "\(inputs.count) inputs: \(inputs.prefix(shown).joined(separator: ", ")), … +\(inputs.count - shown)"
  }

  /// A dangerous action opens `dialog` (Cancel focused); a harmless one runs at once.
  mutating func confirmOrRun(_ dialog: Confirmation, dangerous: Bool) -> [ConsoleEffect] {
    guard dangerous else {
      busy = true
      return [dialog.effect]
    }
    overlay = .confirm(dialog)
    return []
  }

  /// Keys while a confirmation is open: focus moves with Tab/←/→/h/l; Enter activates the
  /// focused button (Cancel by default); Esc and n cancel.
  mutating func onConfirmKey(_ key: ConsoleKey, _ dialog: Confirmation) -> [ConsoleEffect] {
    var dialog = dialog
    switch key {
    case .tab, .backTab, .left, .right, .character("h"), .character("l"):
      dialog.confirmFocused.toggle()
      overlay = .confirm(dialog)
      return []
    case .enter where dialog.confirmFocused && !dialog.then.isEmpty:
      var next = dialog.then[0]
      next.then = Array(dialog.then.dropFirst())
      overlay = .confirm(next)
      return []
    case .enter where dialog.confirmFocused && dialog.effect == .leaveForm:
      overlay = nil
      goBack()
      return []
    case .enter where dialog.confirmFocused:
      overlay = nil
      busy = true
      post("working: \(dialog.title.dropLast())…", role: .info)
      return [dialog.effect]
    case .enter, .escape, .character("n"), .character("q"):
      overlay = nil
      post("cancelled: nothing was changed", role: .info)
      return []
    default:
      return []
    }
  }

  private mutating func askQuarantine(dangerous: Bool) -> [ConsoleEffect] {
    guard case .batchDetail(let seq) = screen, let job = jobs.first(where: { $0.seq == seq }) else {
      post("open a failed batch first (Enter on its row)", role: .warning)
      return []
    }
    guard job.state == .failed, job.inputs.indices.contains(selectedInput) else {
      post(
        "batch #\(job.seq) is \(job.state.rawValue); only an input of a failed batch can be set aside",
        role: .warning)
      return []
    }
    // Only before any output was written (the ledger refuses later): said now, not after a
    // confirmation.
    let failedAt = PipelineStage.allCases.first { stage in
      if case .failed = job.cell(stage) { return true }
      return false
    }
    if let failedAt, failedAt != .stateless, failedAt != .prefetch {
      post(
        "batch #\(job.seq) failed at \(failedAt.title): an input can be set aside only before process; r retries it",
        role: .warning)
      return []
    }
    let input = job.inputs[selectedInput]
    let dialog = Confirmation(
      title: "Set \(input) aside from batch #\(job.seq)?",
      lines: [
        "It stays in archive/ and is listed as quarantined; batch #\(job.seq) runs again without it.",
        "Its events are not applied until it is released (ledgerline quarantine --release).",
        "This is written to the audit log.",
      ], confirmLabel: "Set aside", effect: .quarantine(job: job.seq, input: input))
    return confirmOrRun(dialog, dangerous: dangerous)
  }

  mutating func onQuarantineFinished(job: UInt64, input: String, error: ConsoleActionError?) {
    busy = false
    if let error {
      post(error.description, role: .error)
    } else {
      post("\(input) set aside; batch #\(job) runs again without it", role: .success)
    }
  }

  mutating func onRetryFinished(job: UInt64, error: ConsoleActionError?) {
    busy = false
    if let error {
      post(error.description, role: .error)
    } else {
      post("batch #\(job) queued for retry", role: .success)
    }
  }
}
