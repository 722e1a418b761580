import Foundation
import LedgerOperations
import LedgerStorage
import LedgerSystem

/// Scenario 9: what a second process buys (issue 11). The same state and the same backlog on
/// PostgreSQL, worked off once by one `ledgerline run --until-idle` pinned to one core and once
/// by two pinned to one core each (`taskset`), in the same run. The figure is the ratio of the
/// two wall times (throughput, same events). The server runs on the same host, unpinned: it
/// shares the two cores with the engines, and its CPU is reported from `/proc/stat`.
struct BenchFleet {
  let options: BenchOptions
  let url: String
  /// The `ledgerline` binary the engines run.
  let executable: String

  /// Files the backlog is cut into: enough for both processes to take reduce work.
  static let files = 8
  static let taskset = "/usr/bin/taskset"

  /// Why the scenario cannot run here, or nil.
  static func obstacle(launcher: BenchChildLauncher, postgres: String?) -> String? {
    guard postgres != nil else { return "no server given (--postgres URL or LEDGERLINE_POSTGRES)" }
    guard case .executable = launcher else { return "it runs engines as child processes (the CLI's bench only)" }
    guard FileManager.default.isExecutableFile(atPath: taskset) else { return "\(taskset) is missing" }
    guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { return "this host has one core" }
    return nil
  }

  /// What one configuration measured.
  struct Measured {
    var wall: Double
    /// CPU of the engine processes (user + system, `BenchMeter.childrenCPUMicros`).
    var engineCPU: Double
    /// CPU of the whole host over the run (`/proc/stat`): the engines, the server and the rest.
    var hostCPU: Double
    var events: Int64
    var artifacts: Int64
    var jobs: Int
    /// Distinct processes that ran a stage that succeeded.
    var processesThatRan: Int
  }

  func run(into report: inout BenchReport) throws {
    let count = options.stateArtifacts / 10
    let one = try measure(name: "one", cores: [0], count: count)
    let two = try measure(name: "two", cores: [0, 1], count: count)
    guard one.artifacts == two.artifacts, one.events == two.events else {
      throw BenchError.engineFailed(
        scenario: "9",
        detail:
          "two processes applied \(two.events) events into \(two.artifacts) artifacts, one \(one.events) into \(one.artifacts)"
      )
    }
    let speedUp = one.wall / two.wall
    let text = { (m: Measured) in
      String(
        format: "%.2f s wall, engines %.2f CPU-s, host %.2f CPU-s (server included), %d jobs", m.wall, m.engineCPU,
        m.hostCPU, m.jobs)
    }
    report.figures.append(
      BenchFigure(
        scenario: 9, metric: "backlog worked off by 2 processes, pinned to a core each", value: two.wall, unit: "s",
        baseline: one.wall, baselineName: "1 process on 1 core, same run",
        note:
          "\(one.events) events (\(Self.files) files) on \(options.batchKeys) keys against \(count) artifacts on PostgreSQL; two: \(text(two)); one: \(text(one)); the server unpinned on the same host"
      ))
    // Both must have run stages, or the figure says nothing about a fleet (a backlog too small).
    let shared = two.processesThatRan == 2
    report.figures.append(
      BenchFigure(
        scenario: 9, metric: "fleet throughput speed-up, 2 processes vs 1", value: speedUp, unit: "×",
        target: "≥ 1.7×", met: shared && speedUp >= 1.7,
        note: shared
          ? "wall time of one process over that of two, each pinned with taskset to its own core"
          : "only \(two.processesThatRan) of the two processes ran a stage: the backlog was too small to share, and the figure does not measure a fleet"
      ))
  }

  /// Loads the state and the backlog into a data directory and a schema of their own, then runs
  /// one engine process per entry of `cores`, pinned to it, until the fleet is idle.
  private func measure(name: String, cores: [Int], count: Int) throws -> Measured {
    let root = "\(options.workDirectory)/s9-\(name)"
    let schema = "ledgerline_bench_\(getpid())_\(options.seed)_s9\(name)"
    let backend = try StoreBackend.chosen(flag: url).withSchema(schema)
    try backend.dropScratchSchema()
    defer { try? backend.dropScratchSchema() }
    do {
      let workspace = try Workspace(root: root, mode: .engine, backend: backend)
      _ = try BenchStateLoader(context: workspace.context).load(count: count, stride: 10)
    }
    let eventsPerFile = (options.batchKeys * 2 + Self.files - 1) / Self.files
    try BenchInput.writeKeyedBatch(
      inbox: "\(root)/inbox", source: "fleet", keys: options.batchKeys, stride: 10, eventsPerFile: eventsPerFile)

    let hostBefore = Self.hostCPUTicks()
    let childrenBefore = BenchMeter.childrenCPUMicros()
    let start = BenchMeter.sample()
    let engines = try cores.map { core in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Self.taskset)
      process.arguments = [
        "-c", String(core), executable, "run", "--until-idle", "--data", root, "--log-level", "debug",
      ]
      var environment = ProcessInfo.processInfo.environment
      environment[StoreBackend.environmentVariable] = try Self.url(url, schema: schema)
      process.environment = environment
      process.standardOutput = FileHandle.nullDevice
      let log = "\(root)/engine-\(core).log"
      guard FileManager.default.createFile(atPath: log, contents: nil),
        let handle = FileHandle(forWritingAtPath: log)
      else { throw BenchError.badChildOutput(path: log, detail: "cannot create the engine's log") }
      process.standardError = handle
      try process.run()
      return process
    }
    for process in engines { process.waitUntilExit() }
    let wall = BenchMeter.sample().wallSeconds(since: start)
    let engineCPU = Double(BenchMeter.childrenCPUMicros() - childrenBefore) / 1e6
    let hostCPU = Double(Self.hostCPUTicks() - hostBefore) / Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
    for (core, process) in zip(cores, engines) where process.terminationStatus != 0 {
      throw BenchError.childFailed(
        command: "taskset -c \(core) \(executable) run --until-idle --data \(root)", status: process.terminationStatus,
        detail: "see \(root)/engine-\(core).log")
    }

    let reader = try Workspace(root: root, mode: .reader, backend: backend)
    let jobs = try reader.context.ledger.recentJobs(limit: 10_000)
    var measured = Measured(
      wall: wall, engineCPU: engineCPU, hostCPU: hostCPU, events: 0, artifacts: 0, jobs: jobs.count,
      processesThatRan: 0)
    var ranBy = Set<Int64>()
    for job in jobs {
      guard job.status == .done else {
        throw BenchError.engineFailed(scenario: "9", detail: "batch \(job.seq) ended \(job.status.rawValue)")
      }
      measured.events += job.counts.events
      measured.artifacts += job.counts.artifactsWritten
      for run in try reader.context.ledger.stageRuns(job: job.seq) where run.outcome == "ok" {
        if let process = run.process { ranBy.insert(process) }
      }
    }
    measured.processesThatRan = ranBy.count
    return measured
  }

  /// `url` with its `schema` parameter set to `schema` (passed to the engines in the environment,
  /// so a password never shows in the process list).
  static func url(_ url: String, schema: String) throws -> String {
    guard var parts = URLComponents(string: url) else {
      throw BenchError.invalidOption(name: "postgres", value: url, expected: "postgres://USER@HOST:PORT/DATABASE")
    }
    parts.queryItems =
      (parts.queryItems ?? []).filter { $0.name != "schema" } + [URLQueryItem(name: "schema", value: schema)]
    guard let text = parts.string else {
      throw BenchError.invalidOption(name: "postgres", value: url, expected: "postgres://USER@HOST:PORT/DATABASE")
    }
    return text
  }

  /// Busy ticks of the whole host (`/proc/stat`'s first line, idle and iowait left out); 0 when
  /// unreadable.
  static func hostCPUTicks() -> Int64 {
    guard let text = try? FileSystem.readText("/proc/stat"), let line = text.split(separator: "\n").first else {
      return 0
    }
    let fields = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
    guard fields.count >= 5 else { return 0 }
    return fields.enumerated().filter { $0.offset != 3 && $0.offset != 4 && $0.offset < 8 }.reduce(0) {
      $0 + $1.element
    }
  }
}
