extension ConsoleState {
  /// Moves the selection (line view) or the scroll position (artifact view).
  mutating func move(_ id: ConsoleAction.ID) {
    switch screen {
    case .lines: moveSelection(id)
    case .artifact: scrollArtifact(id)
    case .batchDetail(let seq): moveInputSelection(id, seq: seq)
    case .correction: break
    }
  }

  private mutating func moveInputSelection(_ id: ConsoleAction.ID, seq: UInt64) {
    let count = jobs.first { $0.seq == seq }?.inputs.count ?? 0
    guard count > 0 else { return }
    let target: Int
    switch id {
    case .up: target = selectedInput - 1
    case .down: target = selectedInput + 1
    case .pageUp: target = selectedInput - BatchDetailView.maxInputs
    case .pageDown: target = selectedInput + BatchDetailView.maxInputs
    case .top: target = 0
    default: target = count - 1
    }
    selectedInput = min(count - 1, max(0, target))
  }

  private mutating func moveSelection(_ id: ConsoleAction.ID) {
    guard let current = selectedIndex else { return }
    let last = jobs.count - 1
    let target: Int
    switch id {
    case .up: target = current - 1
    case .down: target = current + 1
    case .pageUp: target = current - pageSize
    case .pageDown: target = current + pageSize
    case .top: target = 0
    default: target = last
    }
    let index = min(last, max(0, target))
    // Reaching the newest row resumes following new batches.
    selectedSeq = index == last ? nil : jobs[index].seq
  }

  private mutating func scrollArtifact(_ id: ConsoleAction.ID) {
    guard var pane = artifact else { return }
    // The last full page: scrolling further would leave the screen mostly blank.
    let last = max(0, (pane.detail.map { pane.visibleLines($0).count } ?? 0) - pageSize)
    let target: Int
    switch id {
    case .up: target = pane.scroll - 1
    case .down: target = pane.scroll + 1
    case .pageUp: target = pane.scroll - pageSize
    case .pageDown: target = pane.scroll + pageSize
    case .top: target = 0
    default: target = last
    }
    pane.scroll = min(last, max(0, target))
    artifact = pane
  }
}
