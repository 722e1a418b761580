import Dispatch
import Synchronization

/// The one event loop: reads keys (≤100 ms), takes snapshots, feeds every event to
/// ``ConsoleState``, runs effects off the UI thread and draws one frame per turn.
struct ConsoleLoop {
  private var state: ConsoleState
  private let backend: any ConsoleBackend
  private let runner: ConsoleEffectRunner
  private let themes: [Theme]
  private let terminal: NCursesTerminal
  private let signals: SignalWatcher
  private let glyphs: GlyphSet
  private let refreshMillis: Int64
  private let results = EventInbox()
  private let actions = DispatchQueue(label: "ledgerline.console.actions")
  private var appliedTheme: String?
  private var nextSnapshotAt: Int64 = 0

  init(
    backend: any ConsoleBackend, options: ConsoleOptions, themes: [Theme],
    terminal: NCursesTerminal, signals: SignalWatcher
  ) {
    self.backend = backend
    self.themes = themes
    self.terminal = terminal
    self.signals = signals
    glyphs = terminal.unicode ? .unicode : .ascii
    let (seconds, attoseconds) = options.refreshInterval.components
    refreshMillis = max(20, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    runner = ConsoleEffectRunner(backend: backend)
    let size = terminal.size
    state = ConsoleState(
      readOnly: options.readOnly, themeNames: themes.map(\.name),
      theme: options.themeName ?? "default", rows: size.rows, columns: size.columns,
      now: ConsoleApp.wallClock())
  }

  /// Runs until quit or a stop signal (Ctrl-C is handed to the state, which may ask first).
  mutating func run() {
    while true {
      var events: [ConsoleEvent] = []
      if signals.stopRequested {
        guard signals.takeInterrupt() else { return }
        events.append(.interrupt)
      }
      switch terminal.readInput() {
      case .key(let key): events.append(.key(key))
      case .resize(let rows, let columns): events.append(.resize(rows: rows, columns: columns))
      case nil: break
      }
      events += results.drain()
      events.append(.tick(now: ConsoleApp.wallClock()))
      if ConsoleApp.monotonicMillis() >= nextSnapshotAt {
        nextSnapshotAt = ConsoleApp.monotonicMillis() + refreshMillis
        events.append(.snapshot(backend.snapshot()))
      }
      for event in events where handle(event) { return }
      applyThemeIfChanged()
      terminal.draw(ConsoleRenderer.render(state, glyphs: glyphs))
    }
  }

  /// Feeds `event` to the state; returns `true` when the user quit.
  private mutating func handle(_ event: ConsoleEvent) -> Bool {
    for effect in state.on(event) {
      if effect == .quit { return true }
      let runner = self.runner
      let results = self.results
      actions.async {
        guard let answer = runner.perform(effect) else { return }
        results.post(answer)
      }
    }
    return false
  }

  private mutating func applyThemeIfChanged() {
    guard state.themeName != appliedTheme else { return }
    appliedTheme = state.themeName
    terminal.apply(themes.first { $0.name == state.themeName } ?? Theme.builtIn)
  }
}

/// Events produced off the UI thread (backend answers), waiting for the loop.
final class EventInbox: Sendable {
  private let pending = Mutex<[ConsoleEvent]>([])

  /// Queues `event` for the loop.
  func post(_ event: ConsoleEvent) { pending.withLock { $0.append(event) } }

  /// Everything queued so far, oldest first.
  func drain() -> [ConsoleEvent] {
    pending.withLock { events in
      defer { events.removeAll() }
      return events
    }
  }
}
