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

  @Option(help: "Workers running tasks side by side (default: one per core, at least two).")
  var workers: Int?

  @Option(
    help: ArgumentHelp(
      "A JSON Lines input larger than this is decoded in line-aligned ranges on every core.", valueName: "bytes"))
  var decodeRangeBytes = EngineOptions().decodeRangeBytes

  @Option(
    help: ArgumentHelp(
      "Register a JSON Lines input larger than this as line-aligned segments, each reduced as a task any engine of a fleet may take (default: never; a job is one reduce task on every core of one engine).",
      valueName: "bytes"))
  var segmentBytes: Int?

  @Option(help: "Check for a compaction pass after every this many finished batches and when idle (0: never).")
  var compactEvery = EngineOptions().compactEvery

  @Option(
    help: ArgumentHelp(
      "Part files must reach this size before an automatic compaction pass runs.", valueName: "bytes"))
  var compactionMinBytes = EngineOptions().compactionMinimumBytes

  @Option(
    help: ArgumentHelp(
      "A PostgreSQL store's engines take one of theirs for gone after this long without a heartbeat, and finish its tasks (heartbeats every fifth of it, at most every 2 s).",
      valueName: "seconds"))
  var leaseSeconds: Double = Double(EngineOptions().leaseMillis) / 1000

  func validate() throws {
    guard leaseSeconds >= 0.5, leaseSeconds <= 86_400 else {
      throw ValidationError("--lease-seconds must be between 0.5 and 86400 (got \(leaseSeconds))")
    }
    if let workers, workers < 1 { throw ValidationError("--workers must be at least 1 (got \(workers))") }
    guard decodeRangeBytes >= 1 else {
      throw ValidationError("--decode-range-bytes must be at least 1 (got \(decodeRangeBytes))")
    }
    if let segmentBytes, segmentBytes < 1 {
      throw ValidationError("--segment-bytes must be at least 1 (got \(segmentBytes))")
    }
    guard compactionMinBytes >= 0 else {
      throw ValidationError("--compaction-min-bytes must not be negative (got \(compactionMinBytes))")
    }
  }

  func run() throws {
    let faults = try FaultOptions.parse(injectFaults)
    let workspace = try options.workspace(.engine, faults: faults)
    var engineOptions = EngineOptions()
    engineOptions.pipelined = !serial
    engineOptions.backlog.maxInputs = max(1, maxGroup)
    engineOptions.logger = log.logger()
    engineOptions.workers = workers
    engineOptions.decodeRangeBytes = decodeRangeBytes
    engineOptions.segmentBytes = segmentBytes
    engineOptions.compactEvery = compactEvery
    engineOptions.compactionMinimumBytes = compactionMinBytes
    engineOptions.leaseMillis = Int64(leaseSeconds * 1000)
    engineOptions.heartbeatMillis = min(engineOptions.heartbeatMillis, max(100, engineOptions.leaseMillis / 5))
    let engine = Engine(context: workspace.context, options: engineOptions)
    let signals = SignalStop(engine: engine)
    defer { signals.cancel() }
    // Once the engine has stopped: the SQLite files alone then hold the whole store (a copy of
    // `*.sqlite` without their `-wal` files would otherwise miss what the log still held).
    defer { workspace.settle() }
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
      print(Self.idleLine(report))
    } else {
      try engine.run()
    }
  }

  /// What `--until-idle` prints when done: the batches this run saw finish, and the store's
  /// total when it holds more.
  static func idleLine(_ report: IdleReport) -> String {
    func batches(_ n: Int) -> String { "\(n) batch\(n == 1 ? "" : "es")" }
    guard report.jobsDone != report.jobsDoneInRun else { return "idle: \(batches(report.jobsDone)) done" }
    return "idle: \(batches(report.jobsDoneInRun)) done in this run (\(report.jobsDone) done in the store)"
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
