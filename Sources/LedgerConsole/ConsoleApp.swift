import Dispatch
import Glibc
import Synchronization

/// The console's entry point: one event loop that owns the state and the terminal.
public enum ConsoleApp {
  /// Runs the console until the user quits (or SIGINT/SIGTERM arrives); the terminal is
  /// restored in every case. Throws when it cannot start (not a terminal, unknown TERM, a
  /// broken theme file).
  public static func run(backend: any ConsoleBackend, options: ConsoleOptions) throws(ConsoleError) {
    let themes = try loadThemes(options)
    let signals = SignalWatcher()
    defer { signals.cancel() }
    let noColor = (getenv("NO_COLOR").map { String(cString: $0) } ?? "").isEmpty == false
    let terminal = try NCursesTerminal(ascii: options.ascii, noColor: noColor)
    defer { terminal.restore() }
    signals.onSecondSignal { NCursesTerminal.emergencyRestore() }
    var loop = ConsoleLoop(
      backend: backend, options: options, themes: themes, terminal: terminal, signals: signals)
    loop.run()
  }

  /// The built-in themes and the user's (see ``ThemeCatalog``); an unknown `--theme` stops the
  /// start with the names available.
  static func loadThemes(_ options: ConsoleOptions) throws(ConsoleError) -> [Theme] {
    let catalog: ThemeCatalog
    do {
      catalog = try ThemeCatalog(userDirectories: options.themeDirectories)
    } catch {
      throw .theme(error)
    }
    if let name = options.themeName, !catalog.names.contains(name) {
      let searched = (["built-in"] + options.themeDirectories).joined(separator: ", ")
      throw .theme(.notFound(name: name, directory: searched, available: catalog.names))
    }
    return catalog.entries.map(\.theme)
  }

  /// Wall-clock seconds since the epoch.
  static func wallClock() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec)
  }

  /// Monotonic milliseconds, for pacing snapshots.
  static func monotonicMillis() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
  }
}

/// Turns SIGINT/SIGTERM/SIGHUP into a flag the loop polls (ncurses' own handler would exit
/// without restoring the terminal). A second signal restores the terminal and exits 0 even if
/// the loop is stuck. Set up before `newterm`. Owned by the loop's thread.
final class SignalWatcher {
  private static let watched = [SIGINT, SIGTERM, SIGHUP]
  private let flag = SignalFlag()
  private let sources: [any DispatchSourceSignal]

  init() {
    let queue = DispatchQueue(label: "ledgerline.console.signals")
    var sources: [any DispatchSourceSignal] = []
    for number in Self.watched {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      let flag = self.flag
      source.setEventHandler { flag.received(number) }
      source.resume()
      sources.append(source)
    }
    self.sources = sources
  }

  /// Called on a second signal, before `exit(0)`.
  func onSecondSignal(_ action: @escaping @Sendable () -> Void) { flag.setSecondSignal(action) }

  /// Whether a stop signal arrived.
  var stopRequested: Bool { flag.stopRequested }

  /// Takes a lone pending SIGINT (Ctrl-C) for the loop to handle as a key, so a form can ask
  /// first; false for SIGTERM/SIGHUP, which stop the console as they are.
  func takeInterrupt() -> Bool { flag.takeInterrupt() }

  /// Stops watching and restores default signal handling.
  func cancel() {
    for source in sources { source.cancel() }
    for number in Self.watched { signal(number, SIG_DFL) }
  }
}

/// The signal count, shared between the signal queue and the loop.
final class SignalFlag: Sendable {
  private let count = Mutex<(signals: Int, last: Int32)>((0, 0))
  private let secondSignal = Mutex<(@Sendable () -> Void)?>(nil)

  /// Whether a signal arrived.
  var stopRequested: Bool { count.withLock { $0.signals > 0 } }

  /// Consumes one pending SIGINT when it is the only signal; false otherwise.
  func takeInterrupt() -> Bool {
    count.withLock { state in
      guard state.signals == 1, state.last == SIGINT else { return false }
      state.signals = 0
      return true
    }
  }

  /// Sets what a second signal runs before exiting.
  func setSecondSignal(_ action: @escaping @Sendable () -> Void) {
    secondSignal.withLock { $0 = action }
  }

  /// Counts a signal; the second one not yet handled restores and exits 0.
  func received(_ number: Int32) {
    let seen = count.withLock { state -> Int in
      state.signals += 1
      state.last = number
      return state.signals
    }
    guard seen >= 2 else { return }
    secondSignal.withLock { $0 }?()
    exit(0)
  }
}
