extension ConsoleState {
  /// Opens the correction form, prefilled from the artifact on screen.
  mutating func openCorrectionForm() {
    let detail = artifact?.detail
    let currencies = detail?.summary.currencies ?? []
    form = CorrectionForm(
      orderID: artifact?.orderID ?? "",
      currency: currencies.count == 1 ? currencies[0].code : "")
    navigate(to: .correction)
  }

  /// Text editing in the form: printable characters and Backspace go to the focused field.
  /// Returns `false` for keys that are actions (Enter, Tab, arrows, Esc).
  mutating func onFormEditKey(_ key: ConsoleKey) -> Bool {
    guard var form, form.edit(key) else { return false }
    form.errors[form.focus] = nil
    self.form = form
    return true
  }

  mutating func moveFocus(by step: Int) {
    guard var form else { return }
    let count = CorrectionForm.Field.allCases.count
    let next = (form.focus.rawValue + step + count) % count
    form.focus(CorrectionForm.Field(rawValue: next) ?? .orderID)
    self.form = form
  }

  /// Validates the form; a valid one asks for confirmation, an invalid one shows inline errors.
  mutating func submitForm(dangerous: Bool) -> [ConsoleEffect] {
    guard var form else { return [] }
    guard !busy else {
      post("a correction is already being submitted; wait for it", role: .warning)
      return []
    }
    switch form.validate() {
    case .failure(let errors):
      form.errors = errors.byField
      if let first = CorrectionForm.Field.allCases.first(where: { errors.byField[$0] != nil }) {
        form.focus(first)
      }
      self.form = form
      let count = errors.byField.count
      post("\(count) field\(count == 1 ? "" : "s") to fix before submitting", role: .error)
      return []
    case .success(let draft):
      form.errors = [:]
      self.form = form
      // What the order is known to hold decides the safety questions; look it up if unknown.
      if let pane = artifact, pane.orderID == draft.orderID, let known = pane.result, !pane.inFlight {
        return confirmCorrection(draft, order: known)
      }
      pendingCorrection = draft
      post("checking order \(draft.orderID) before submitting…", role: .info)
      return [.lookup(orderID: draft.orderID)]
    }
  }

  /// The confirmation of `draft`, followed by a plainly worded second question when the order
  /// does not exist yet or has never had the draft's currency (Cancel is the default of both).
  mutating func confirmCorrection(_ draft: CorrectionDraft, order: ArtifactLookup) -> [ConsoleEffect] {
    var dialog = Confirmation(
      title: "Submit correction for order \(draft.orderID)?",
      lines: [
        "amount: \(draft.currency.format(draft.amount)) \(draft.currency.code)",
        "reason: \(draft.reason)", "author: \(draft.author)",
        "A one-line batch is written to the inbox and to the audit log.",
      ], confirmLabel: "Submit", effect: .submitCorrection(draft))
    switch order {
    case .notFound:
      dialog.then = [
        Confirmation(
          title: "Order \(draft.orderID) does not exist yet",
          lines: [
            "No line was ever recorded for order \(draft.orderID).",
            "Submitting creates it with this one correction line.",
            "Check the order id: is it exactly right?",
          ], confirmLabel: "Create it", effect: .submitCorrection(draft))
      ]
    case .found(let detail) where !detail.summary.currencies.contains(draft.currency):
      let has = detail.summary.currencies.map(\.code).joined(separator: ", ")
      dialog.then = [
        Confirmation(
          title: "\(draft.currency.code) is new to order \(draft.orderID)",
          lines: [
            "Order \(draft.orderID) has lines in \(has.isEmpty ? "no currency" : has) only.",
            "Submitting adds a \(draft.currency.code) balance to it.",
            "Check the currency: is \(draft.currency.code) right?",
          ], confirmLabel: "Add \(draft.currency.code)", effect: .submitCorrection(draft))
      ]
    case .found, .error:
      break
    }
    return confirmOrRun(dialog, dangerous: true)
  }

  /// After a submit: follow the new batch and show the artifact it will change.
  mutating func onCorrectionFinished(_ result: Result<String, ConsoleActionError>) -> [ConsoleEffect] {
    busy = false
    switch result {
    case .failure(let error):
      post(error.description, role: .error)
      return []
    case .success(let batch):
      following = batch
      let orderID = form?[.orderID] ?? artifact?.orderID
      form = nil
      // The form is done: its place in the back stack goes too.
      screen = backStack.popLast() ?? .lines
      guard let orderID else {
        post("submitted as \(batch)", role: .success)
        return []
      }
      let effects = startLookup(orderID)
      post("submitted as \(batch)", role: .success)
      return effects
    }
  }
}
