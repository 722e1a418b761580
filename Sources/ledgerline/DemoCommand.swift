import ArgumentParser
import Foundation
import LedgerConsole
import LedgerEngine
import LedgerOperations
import LedgerSystem
import LedgerWorkload
import Synchronization

/// `ledgerline demo`: a fresh data dir, a live generator, the engine and the console.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run a live demo: generator, engine and console on a fresh data dir.",
    discussion: """
      Without --data, a fresh directory is created under the system temp dir and its path printed. \
      The generator writes one batch per source every --interval seconds (orders, a bulk order, some \
      bad lines and duplicates); transient faults are injected so retries show, and now and then a \
      permanent one that waits for an operator (select the batch, Enter, r).
      """)

  @Option(name: .long, help: "The data directory (default: a fresh one under the temp dir).")
  var data: String?
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Keep the workflow ledger and the key index in PostgreSQL, in a schema no other data directory uses (default: $LEDGERLINE_POSTGRES, else SQLite).",
      valueName: "url"))
  var postgres: String?
  @OptionGroup var flags: ConsoleFlags
  @Flag(help: "Run without a terminal: print a status line every interval.") var headless = false
  @Option(help: "Stop after this many seconds (0: until q or Ctrl-C).") var seconds = 0
  @Option(help: "Seconds between generated rounds.") var interval = 2
  @Option(help: "Events per source per round.") var events = 400
  @Option(help: "Fault injection rules (see `run --help`); \"none\" to disable.")
  var injectFaults = "process:0.03:permanent,process:0.12,index:0.08,prefetch:0.05"

  func run() throws {
    let root = try data ?? Self.freshDirectory()
    let faults = injectFaults == "none" ? FaultInjector.none : try FaultOptions.parse(injectFaults)
    let workspace = try Workspace(
      root: root, mode: .engine, backend: try StoreBackend.chosen(flag: postgres), faults: faults)
    print("ledgerline demo: data directory \(TerminalText.escaped(root))")
    let generator = LiveGenerator(
      inbox: workspace.context.paths.inbox, eventsPerSource: events, batchSeconds: Int64(max(1, interval)))
    let stopGenerator = Mutex(false)
    let deadline = seconds > 0 ? Date().addingTimeInterval(TimeInterval(seconds)) : nil
    Thread.detachNewThread { [interval] in
      var generator = generator
      while !stopGenerator.withLock({ $0 }) {
        do { try generator.round() } catch { printError("generator: \(error)") }
        Thread.sleep(forTimeInterval: TimeInterval(interval))
      }
    }
    defer { stopGenerator.withLock { $0 = true } }
    // After the engine and the console stop: the SQLite files alone then hold the whole store.
    defer { workspace.settle() }
    if headless {
      try runHeadless(workspace.context, deadline: deadline)
    } else {
      try ConsoleSession(
        context: workspace.context, backend: workspace.backend, flags: flags,
        beforeExit: {
          let shown = TerminalText.escaped(root)
          print("ledgerline demo: data directory \(shown) (inspect with `ledgerline status --data \(shown)`)")
        }
      ).run()
    }
  }

  private func runHeadless(_ context: EngineContext, deadline: Date?) throws {
    let engine = Engine(context: context)
    let signals = SignalStop(engine: engine)
    defer { signals.cancel() }
    let done = DispatchSemaphore(value: 0)
    let failure = Mutex<String?>(nil)
    Thread.detachNewThread {
      do { try engine.run() } catch { failure.withLock { $0 = "\(error)" } }
      done.signal()
    }
    while done.wait(timeout: .now() + .seconds(interval)) == .timedOut {
      let report = try StatusReport.build(context, jobLimit: 5)
      let live = engine.live()
      let last = report.jobs.last.map { "batch \($0.seq) \($0.stage.rawValue)/\($0.status.rawValue)" } ?? "no batch yet"
      print("backlog \(report.backlogDepth)  artifacts \(report.artifacts)  \(live.throughput) events/s  \(last)")
      if let deadline, Date() >= deadline { engine.requestStop() }
    }
    if let message = failure.withLock({ $0 }) { throw ValidationError("engine stopped: \(message)") }
  }

  static func freshDirectory() throws -> String {
    var template = Array((NSTemporaryDirectory() + "/ledgerline-demo-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.flatMap { mkdtemp($0) }
    }
    guard let made else {
      throw ValidationError("cannot create a demo directory under \(NSTemporaryDirectory()); pass --data DIR")
    }
    return String(cString: made)
  }
}

/// The demo's live generator: one round of batches per source, starting now.
struct LiveGenerator: Sendable {
  let inbox: String
  var generator: WorkloadGenerator

  /// Batches of `batchSeconds` each, one round per `batchSeconds` of wall time, so the
  /// watermark follows the clock.
  init(inbox: String, eventsPerSource: Int, batchSeconds: Int64) {
    self.inbox = inbox
    let now = Int64(Date().timeIntervalSince1970)
    generator = WorkloadGenerator(
      options: GeneratorOptions(
        seed: UInt64(now), batchesPerSource: 60, eventsPerBatch: eventsPerSource, orderCount: 5_000,
        bulkOrderLines: 60 * 4 * 250, badLineRate: 0.003, duplicateRate: 0.02, correctionRate: 0.002,
        csvEvery: 7, start: now - now % batchSeconds, batchSeconds: batchSeconds))
  }

  mutating func round() throws {
    _ = try generator.nextRound(toInbox: inbox)
  }
}
