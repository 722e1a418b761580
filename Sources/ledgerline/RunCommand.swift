import ArgumentParser
import Dispatch
import Foundation
import LedgerEngine
import LedgerOperations

/// `ledgerline run`: the engine, headless.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run the engine headless.")

  @OptionGroup var options: DataOptions
  @OptionGroup var log: LogOptions

  @Flag(help: "Process everything in the inbox, then exit (0 when no batch failed).")
  var untilIdle = false

  @Flag(help: "Run the stages one after another instead of as an assembly line.")
  var serial = false

  @Option(help: "At most this many input batches per job when a backlog builds up.")
  var maxGroup = BacklogPolicy().maxInputs

  @Option(
    help: ArgumentHelp(
      "Inject faults: stage:probability or stage:job=N[:permanent], comma-separated (also LEDGERLINE_FAULTS).",
      valueName: "spec"))
  var injectFaults: String?

  func run() throws {
    let faults = try FaultOptions.parse(injectFaults)
    let workspace = try Workspace(root: options.data, mode: .engine, faults: faults)
    var engineOptions = EngineOptions()
    engineOptions.pipelined = !serial
    engineOptions.backlog.maxInputs = max(1, maxGroup)
    engineOptions.logger = log.logger()
    let engine = Engine(context: workspace.context, options: engineOptions)
    let signals = SignalStop(engine: engine)
    defer { signals.cancel() }
    if untilIdle {
      let report = try engine.runUntilIdle()
      guard report.failed.isEmpty else {
        for job in report.failed {
          printError(
            "batch \(job.seq) failed at \(job.stage.rawValue): \(job.lastError ?? "unknown error"); fix the cause, then `ledgerline retry \(job.seq) --data \(options.data)`"
          )
        }
        throw ExitCode(2)
      }
      print("idle: \(report.jobsDone) batch\(report.jobsDone == 1 ? "" : "es") done")
    } else {
      try engine.run()
    }
  }
}

/// Parses `--inject-faults` or `LEDGERLINE_FAULTS`.
enum FaultOptions {
  static func parse(_ flag: String?) throws -> FaultInjector {
    guard let spec = flag ?? ProcessInfo.processInfo.environment["LEDGERLINE_FAULTS"], !spec.isEmpty
    else { return .none }
    switch FaultInjector.parse(spec) {
    case .success(let faults): return faults
    case .failure(let error): throw ValidationError(error.description)
    }
  }
}

/// SIGINT/SIGTERM ask the engine to stop after its current stages (graceful stop).
final class SignalStop: @unchecked Sendable {
  // Safe: the sources are created once here and only cancelled in `cancel()`.
  private var sources: [DispatchSourceSignal] = []

  init(engine: Engine) {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { engine.requestStop() }
      source.resume()
      sources.append(source)
    }
  }

  func cancel() {
    sources.forEach { $0.cancel() }
  }
}
