import ArgumentParser
import Foundation
import LedgerBench
import LedgerEngine
import LedgerOperations

/// `ledgerline bench`: the benchmark of SPEC §8.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract:
      "Run the benchmark (batch vs transactional, throughput, memory, lookups, hot key, corrections, one big file).",
    discussion: """
      Generates seeded workloads under --work-dir (removed afterwards unless --keep), runs them and \
      prints a table (or --json) with each figure as a ratio to a baseline measured in the same run. \
      Exits 1 when the batch path is not cheaper than the transactional baseline in CPU and writes. \
      Use a release build (swift build -c release) for meaningful absolute numbers. Scenario 7 (one big \
      file) also runs the DuckDB peer (../shared/peers/duckdb_peer.py) when python3 can import duckdb, \
      and says why not otherwise.
      """)

  @Option(help: "Workload sizes: small (CI, seconds), medium, full (SPEC §8 sizes).")
  var scale: String = "small"
  @Option(help: "Random seed of every generated workload.") var seed: UInt64 = 1
  @Option(help: "Scratch directory for the generated data directories.") var workDir: String?
  @Flag(help: "Keep the scratch directory.") var keep = false
  @Flag(help: "Print the report as JSON.") var json = false
  @Option(
    help:
      "Only these scenarios, comma-separated (1 batch-vs-transactional … 6 corrections, 7 one big file, 8 PostgreSQL vs SQLite, 9 one vs two pinned processes on PostgreSQL)."
  )
  var scenarios: String?
  @Option(help: "Events applied both ways in scenario 1.") var transactionalEvents: Int?
  @Option(help: "Artifacts in the large state (scenarios 2-4).") var state: Int?
  @Option(help: "Events of the end-to-end batch (two per key).") var batchEvents: Int?
  @Option(help: "Events of the reduce-only job.") var reduceEvents: Int?
  @Option(help: "Random keys looked up.") var lookups: Int?
  @Option(help: "Lines the hot bulk order grows to.") var hotLines: Int?
  @Option(help: "Batches the hot order's lines arrive in.") var hotBatches: Int?
  @Option(help: "Corrections timed per line state.") var corrections: Int?
  @Option(help: "Events of the state applied before the big file (also its order ids).") var bigFileState: Int?
  @Option(help: "Events of the one big input file.") var bigFileEvents: Int?
  @Option(help: "Zipf exponent of order popularity in the big file and its state.") var bigFileZipf: Double?
  @Option(help: "Path of duckdb_peer.py (default: ../shared/peers/ from here or from the package).")
  var duckdbPeer: String?
  @Flag(help: "Skip the compaction pass after the end-to-end batch (it reads every artifact).")
  var noCompaction = false

  @Option(
    help: ArgumentHelp(
      "The PostgreSQL server of scenarios 8 and 9 (default: $LEDGERLINE_POSTGRES; without one, both are skipped). A scratch schema is created and dropped.",
      valueName: "url"))
  var postgres: String?
  @Option(help: .hidden) var childEndToEnd: String?
  @Option(help: .hidden) var childOutput: String?
  @Option(help: .hidden) var childCompaction: String?

  func run() throws {
    if let root = childEndToEnd {
      let compaction = try childCompaction.map { mode in
        guard let parsed = BenchEndToEnd.Compaction(rawValue: mode) else {
          throw ValidationError("invalid --child-compaction \"\(mode)\": expected off, forced or if-due")
        }
        return parsed
      }
      let result = try BenchEndToEnd.run(root: root, compaction: compaction ?? (noCompaction ? .off : .forced))
      try result.encoded.write(toFile: childOutput ?? "\(root).result", atomically: true, encoding: .utf8)
      return
    }
    let options = try benchOptions()
    defer { if !keep { try? FileManager.default.removeItem(atPath: options.workDirectory) } }
    let report = try BenchRunner(options: options, launcher: .currentExecutable()).run { line in
      var stderr = StandardError()
      print("bench: \(line)", to: &stderr)
    }
    print(json ? try report.json() : report.table(), terminator: json ? "\n" : "")
    guard report.shapeProblems.isEmpty else {
      printError(
        "the batch path is not cheaper than the transactional baseline: \(report.shapeProblems.joined(separator: "; "))"
      )
      throw ExitCode(1)
    }
  }

  private func benchOptions() throws -> BenchOptions {
    guard let preset = BenchScale(rawValue: scale) else {
      throw ValidationError("invalid --scale \"\(scale)\": expected small, medium or full")
    }
    let dir = workDir ?? "\(NSTemporaryDirectory())ledgerline-bench-\(getpid())"
    var options = BenchOptions(scale: preset, workDirectory: dir, seed: seed)
    if let workDir, FileManager.default.fileExists(atPath: workDir) {
      throw ValidationError(
        "--work-dir \(workDir) already exists; pass a new directory (the benchmark writes fresh data directories there)"
      )
    }
    options.transactionalEvents = transactionalEvents ?? options.transactionalEvents
    options.stateArtifacts = state ?? options.stateArtifacts
    options.batchEvents = batchEvents ?? options.batchEvents
    options.reduceEvents = reduceEvents ?? options.reduceEvents
    options.lookups = lookups ?? options.lookups
    options.hotKeyLines = hotLines ?? options.hotKeyLines
    options.hotKeyBatches = hotBatches ?? options.hotKeyBatches
    options.corrections = corrections ?? options.corrections
    options.bigFileState = bigFileState ?? options.bigFileState
    options.bigFileEvents = bigFileEvents ?? options.bigFileEvents
    options.bigFileZipf = bigFileZipf ?? options.bigFileZipf
    options.duckDBPeer = duckdbPeer
    options.postgres =
      postgres
      ?? ProcessInfo.processInfo.environment[StoreBackend.environmentVariable].flatMap {
        $0.isEmpty ? nil : $0
      }
    options.measureCompaction = !noCompaction
    if let scenarios {
      let numbers = scenarios.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard !numbers.isEmpty, numbers.allSatisfy({ $0.map { (1...9).contains($0) } ?? false }) else {
        throw ValidationError(
          "invalid --scenarios \"\(scenarios)\": expected numbers 1 to 9, comma-separated, e.g. 1,4")
      }
      options.scenarios = Set(numbers.compactMap { $0 })
    }
    if let problem = options.problem() { throw ValidationError(problem.description) }
    return options
  }
}
