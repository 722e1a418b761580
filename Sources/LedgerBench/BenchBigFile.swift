import Foundation
import LedgerEngine
import LedgerOperations
import LedgerStorage
import LedgerSystem
import LedgerWorkload

/// Scenario 7, issue 10's "one big file": the engine applies a state from one generated input
/// file of `bigFileState` events (untimed), then one JSON Lines file of `bigFileEvents` events
/// over the same order ids, in a child process as `ledgerline run --until-idle` does (wall, CPU,
/// peak RSS, stage times). The DuckDB peer applies the same two files in the same run, the first
/// untimed, and its figures are the baselines; the big batch's line counts are compared.
struct BenchBigFile {
  let options: BenchOptions
  let launcher: BenchChildLauncher

  /// One generated input file: where it is and what the generator says it holds.
  struct Input {
    var path: String
    var report: GenerationReport
  }

  /// The DuckDB side of the run.
  enum PeerOutcome {
    case ran(BenchDuckDBPeer.Run)
    /// Why it did not run or did not finish (a sentence for the notes).
    case skipped(String)
    case failed(String)
  }

  /// What the engine side measured.
  struct Measured {
    var run: BenchEndToEnd.Result
    /// The big batch as the workflow ledger recorded it.
    var counts: JobCounts
    /// Artifacts before and after the big batch.
    var stateArtifacts: Int
    var artifactsAfter: Int
    /// The big batch's rejected lines that the peer's laxer definitions accept.
    var laxness: BenchBigFileCounts.PeerLaxness
  }

  /// The state's generator: one file of `bigFileState` events over as many order ids.
  static func stateGenerator(_ options: BenchOptions) -> GeneratorOptions {
    generator(options, source: "state", events: options.bigFileState, seed: options.seed)
  }

  /// The big file's generator: another source and seed, over the state's order ids.
  static func bigGenerator(_ options: BenchOptions) -> GeneratorOptions {
    generator(options, source: "web", events: options.bigFileEvents, seed: options.seed &+ 1)
  }

  private static func generator(_ options: BenchOptions, source: String, events: Int, seed: UInt64)
    -> GeneratorOptions
  {
    GeneratorOptions(
      seed: seed, sources: [source], batchesPerSource: 1, eventsPerBatch: events, orderCount: options.bigFileState,
      zipfExponent: options.bigFileZipf, bulkOrderLines: 0)
  }

  func run(into report: inout BenchReport) throws {
    let base = "\(options.workDirectory)/s7-big-file"
    let root = "\(base)/ledgerline"
    try FileSystem.makeDirectories(base)
    let peer = BenchDuckDBPeer.availability(override: options.duckDBPeer, scratch: base)
    let state = try generate(Self.stateGenerator(options), into: "\(base)/generated")
    let stateArtifacts = try applyState(state, root: root, report: &report)
    var outcome: PeerOutcome
    switch peer {
    case .skipped(let reason): outcome = .skipped(reason)
    case .ready(let duckdb):
      outcome = Self.peer {
        try duckdb.apply(database: "\(base)/peer.duckdb", files: [state.path], stderr: "\(base)/peer-state.stderr")
      }
    }
    let big = try generate(Self.bigGenerator(options), into: "\(base)/generated")
    try place(big, root: root)
    let run = try launcher.endToEnd(root: root, compaction: .ifDue)
    let measured = try read(root: root, run: run, stateArtifacts: stateArtifacts)
    if case .ran = outcome, case .ready(let duckdb) = peer {
      outcome = Self.peer {
        try duckdb.apply(database: "\(base)/peer.duckdb", files: [big.path], stderr: "\(base)/peer-big.stderr")
      }
    }
    add(measured, big: big, peer: outcome, into: &report)
  }

  /// Runs one peer call; a failure becomes a note, never a failed benchmark.
  private static func peer(_ body: () throws -> BenchDuckDBPeer.Run) -> PeerOutcome {
    do {
      return .ran(try body())
    } catch {
      return .failed("\(error)")
    }
  }

  private func generate(_ generator: GeneratorOptions, into directory: String) throws -> Input {
    let report = try WorkloadGenerator(options: generator).write(toInbox: directory)
    guard report.files.count == 1, let file = report.files.first else {
      throw BenchError.generatorFailed(detail: "\(report.files.count) files where one was asked for")
    }
    return Input(path: "\(directory)/\(file)", report: report)
  }

  /// Puts `input` in the inbox of `root` (a hard link: the engine archives it by renaming, the
  /// generated path stays for the peer), or a copy where links are not possible.
  private func place(_ input: Input, root: String) throws {
    let relative = input.path.split(separator: "/").suffix(2).joined(separator: "/")
    let target = "\(root)/inbox/\(relative)"
    try FileSystem.makeDirectories(FileSystem.parent(of: target))
    do {
      try FileSystem.link(input.path, to: target)
    } catch {
      try FileManager.default.copyItem(atPath: input.path, toPath: target)
    }
  }

  /// Applies the state file with the engine in this process (untimed), as `run --until-idle`.
  private func applyState(_ state: Input, root: String, report: inout BenchReport) throws -> Int {
    try place(state, root: root)
    let workspace = try Workspace(root: root, mode: .engine)
    let before = BenchMeter.sample()
    let idle = try Engine(context: workspace.context).runUntilIdle()
    let after = BenchMeter.sample()
    if let failed = idle.failed.first {
      throw BenchError.engineFailed(scenario: "7", detail: "state batch \(failed.seq): \(failed.lastError ?? "?")")
    }
    let artifacts = try workspace.context.keyIndex.count()
    report.notes.append(
      String(
        format:
          "one big file: the state (%d events, %d duplicate copies, %d bad lines over %d order ids, Zipf %.2f: %d artifacts, %.1f MiB) applied from one file by the engine in this process, untimed: %.1f s",
        state.report.events, state.report.duplicateCopies, state.report.badLines, options.bigFileState,
        options.bigFileZipf, artifacts, Double(state.report.bytes) / Double(1 << 20), after.wallSeconds(since: before)))
    return artifacts
  }

  /// The big batch's record, artifact count and rejects, read after the timed run.
  private func read(root: String, run: BenchEndToEnd.Result, stateArtifacts: Int) throws -> Measured {
    let workspace = try Workspace(root: root, mode: .reader)
    let context = workspace.context
    guard let job = try context.ledger.recentJobs(limit: 1).last else {
      throw BenchError.engineFailed(scenario: "7", detail: "no stateful batch recorded for the big file")
    }
    let rejects = try RejectsReader(paths: context.paths).lines(batch: job.seq)
    return Measured(
      run: run, counts: job.counts, stateArtifacts: stateArtifacts, artifactsAfter: try context.keyIndex.count(),
      laxness: BenchBigFileCounts.PeerLaxness(rejects: rejects))
  }
}
