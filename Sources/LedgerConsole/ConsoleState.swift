/// The console's whole state, owned by the event loop. A pure state machine: every input is a
/// ``ConsoleEvent``; the answer is the list of ``ConsoleEffect``s the loop must perform.
public struct ConsoleState: Sendable, Equatable {
  /// The main screen.
  public var screen: ConsoleScreen = .lines
  /// What sits on top of it.
  public var overlay: ConsoleOverlay?
  /// The latest engine snapshot.
  public var snapshot: ConsoleSnapshot?
  /// The clock, seconds since the epoch.
  public var now: Int64
  /// Terminal rows.
  public var rows: Int
  /// Terminal columns.
  public var columns: Int
  /// The selected job; `nil` follows the newest.
  public var selectedSeq: UInt64?
  /// A valid correction waiting for the lookup of its order (to warn about a new order or a
  /// new currency before it is submitted).
  public var pendingCorrection: CorrectionDraft?
  /// Which batches the line view lists (`v` cycles).
  public var lineFilter: LineFilter = .all
  /// Where Esc goes back to: the screens opened before this one, most recent last.
  public var backStack: [ConsoleScreen] = []
  /// Every message posted, oldest first (the newest 50): `m` shows them.
  public var messageHistory: [StatusMessage] = []
  /// The selected input in batch detail (index into the batch's inputs).
  public var selectedInput: Int = 0
  /// The artifact lookup, once one was made.
  public var artifact: ArtifactPane?
  /// The correction form while it is open.
  public var form: CorrectionForm?
  /// Whether a correction or retry is being performed.
  public var busy: Bool = false
  /// The message line.
  public var message: StatusMessage?
  /// The correction batch the console follows through the line.
  public var following: String?
  /// A read-only console watches and looks up but does not act.
  public let readOnly: Bool
  /// Available themes, in cycling order.
  public let themeNames: [String]
  /// Index of the current theme in `themeNames`.
  public var themeIndex: Int

  /// A fresh state.
  public init(
    readOnly: Bool, themeNames: [String], theme: String? = nil, rows: Int = 24,
    columns: Int = 80, now: Int64 = 0
  ) {
    self.readOnly = readOnly
    self.themeNames = themeNames
    themeIndex = theme.flatMap { themeNames.firstIndex(of: $0) } ?? 0
    self.rows = rows
    self.columns = columns
    self.now = now
  }

  /// The current theme's name, if any theme is loaded.
  public var themeName: String? {
    themeNames.indices.contains(themeIndex) ? themeNames[themeIndex] : nil
  }

  /// Rows moved by PgUp/PgDn.
  public var pageSize: Int { max(1, rows - 12) }

  /// The jobs of the latest snapshot.
  public var jobs: [JobRow] { allJobs.filter { lineFilter.matches($0) } }
  /// Every job of the snapshot, whatever the filter.
  public var allJobs: [JobRow] { snapshot?.jobs ?? [] }

  /// Index of the selected job in `jobs` (the newest when following), `nil` when there are none.
  public var selectedIndex: Int? {
    guard !jobs.isEmpty else { return nil }
    if let seq = selectedSeq, let index = jobs.firstIndex(where: { $0.seq == seq }) {
      return index
    }
    return jobs.count - 1
  }

  /// The selected job, if any.
  public var selectedJob: JobRow? { selectedIndex.map { jobs[$0] } }

  /// The message, while it is fresh and its screen is still the one on display (a message
  /// never follows you to another screen, nor shows under a dialog opened after it).
  public var visibleMessage: StatusMessage? {
    guard let message, now - message.postedAt < StatusMessage.lifetime, message.screen == screen,
      message.underOverlay || overlay == nil
    else { return nil }
    return message
  }

  /// Handles one event; returns what the loop must do.
  public mutating func on(_ event: ConsoleEvent) -> [ConsoleEffect] {
    switch event {
    case .key(let key):
      return onKey(key)
    case .interrupt:
      return onInterrupt()
    case .resize(let rows, let columns):
      self.rows = max(1, rows)
      self.columns = max(1, columns)
      return []
    case .tick(let now):
      self.now = max(self.now, now)
      return []
    case .snapshot(let snapshot):
      return onSnapshot(snapshot)
    case .lookupFinished(let orderID, let result):
      if let draft = pendingCorrection, draft.orderID == orderID {
        pendingCorrection = nil
        return confirmCorrection(draft, order: result)
      }
      onLookupFinished(orderID: orderID, result: result)
      return []
    case .correctionFinished(let result):
      return onCorrectionFinished(result)
    case .retryFinished(let job, let error):
      onRetryFinished(job: job, error: error)
      return []
    case .rejectsLoaded(_, let result):
      if case .events(var browser) = overlay, browser.opened {
        browser.rejects = result
        overlay = .events(browser)
      }
      return []
    case .quarantineFinished(let job, let input, let error):
      onQuarantineFinished(job: job, input: input, error: error)
      return []
    }
  }

  /// Posts `text` on the message line.
  mutating func post(_ text: String, role: ScreenRole) {
    var posted = StatusMessage(text: text, role: role, postedAt: now)
    posted.screen = screen
    posted.underOverlay = overlay != nil
    message = posted
    messageHistory.append(posted)
    if messageHistory.count > 50 { messageHistory.removeFirst(messageHistory.count - 50) }
  }

  /// Opens `next`, remembering the current screen for Esc.
  mutating func navigate(to next: ConsoleScreen) {
    guard next != screen else { return }
    backStack.append(screen)
    if backStack.count > 20 { backStack.removeFirst() }
    screen = next
  }

  private mutating func onSnapshot(_ snapshot: ConsoleSnapshot) -> [ConsoleEffect] {
    self.snapshot = snapshot
    now = max(now, snapshot.takenAt)
    if let seq = selectedSeq, !snapshot.jobs.contains(where: { $0.seq == seq }) {
      selectedSeq = nil
    }
    return refreshArtifactIfDue()
  }

  private mutating func onKey(_ key: ConsoleKey) -> [ConsoleEffect] {
    // A terminal in raw mode delivers Ctrl-C as a key rather than SIGINT: the same rule.
    if key == .control("c") { return onInterrupt() }
    switch overlay {
    case .confirm(let confirmation):
      return onConfirmKey(key, confirmation)
    case .help:
      if key == .escape || key == .character("?") || key == .character("q") { overlay = nil }
      return []
    case .messages:
      if key == .escape || key == .character("m") || key == .character("q") { overlay = nil }
      return []
    case .events(let browser):
      return onEventsKey(key, browser)
    case .searchPrompt(let text):
      return onSearchKey(key, text)
    case .lookupPrompt(let text):
      return onPromptKey(key, text)
    case nil:
      break
    }
    if screen == .correction, onFormEditKey(key) { return [] }
    guard let action = ConsoleAction.action(for: key, on: screen.kind) else { return [] }
    return perform(action)
  }
}
