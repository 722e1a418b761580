import Foundation
import LedgerSystem

/// `ledgerline bench` (SPEC §8): runs the selected scenarios in order and collects one report.
///
/// 1 batch vs transactional, 2 throughput, 3 memory, 4 lookups, 5 hot key, 6 correction
/// latency, 7 one big file (with the DuckDB peer when it can run), 8 the PostgreSQL store against
/// SQLite and 9 one process against two, each pinned to a core (when a server is given; 9 only
/// from the CLI, which can start engine processes). Every workload is generated
/// from `options.seed` under `options.workDirectory`.
public struct BenchRunner: Sendable {
  /// The sizes and scenarios.
  public let options: BenchOptions
  /// How the memory scenario's end-to-end runs are isolated.
  public let launcher: BenchChildLauncher

  /// A runner; `launcher` defaults to in-process (tests), the CLI re-executes itself.
  public init(options: BenchOptions, launcher: BenchChildLauncher = .inProcess) {
    self.options = options
    self.launcher = launcher
  }

  /// Runs every selected scenario; `progress` hears one line as each starts.
  public func run(progress: (String) -> Void = { _ in }) throws -> BenchReport {
    if let problem = options.problem() { throw problem }
    try FileSystem.makeDirectories(options.workDirectory)
    var report = BenchReport(options: options)
    var states = BenchStates(options: options)
    let selected = options.scenarios
    if selected.contains(1) {
      progress("1/9 batch vs transactional (\(options.transactionalEvents) events)")
      try BenchBatchVsTransactional(options: options).run(into: &report)
    }
    if selected.contains(2) || selected.contains(3) {
      progress(
        "2-3/9 throughput and memory (\(options.batchEvents) events vs \(options.stateArtifacts) and \(options.stateArtifacts / 10) artifacts)"
      )
      try BenchThroughput(options: options, launcher: launcher).run(into: &report, states: &states)
    }
    if selected.contains(4) {
      progress("4/9 lookups (\(options.lookups) keys)")
      let root = try states.prepare(count: options.stateArtifacts, stride: 1, report: &report)
      try BenchLookups(options: options).run(root: root, stateCount: options.stateArtifacts, into: &report)
    }
    if selected.contains(5) {
      progress("5/9 hot key (\(options.hotKeyLines) lines in \(options.hotKeyBatches) batches)")
      try BenchHotKey(options: options).run(into: &report)
    }
    if selected.contains(6) {
      progress("6/9 correction latency (\(options.corrections) idle, \(options.corrections) loaded)")
      try BenchCorrection(options: options).run(into: &report)
    }
    if selected.contains(7) {
      progress(
        "7/9 one big file (\(options.bigFileEvents) events vs a \(options.bigFileState)-event state, and the DuckDB peer)"
      )
      try BenchBigFile(options: options, launcher: launcher).run(into: &report)
    }
    if selected.contains(8) {
      if let url = options.postgres {
        progress("8/9 PostgreSQL vs SQLite (\(options.stateArtifacts / 10) artifacts, \(options.batchEvents) events)")
        try BenchPostgres(options: options, url: url).run(into: &report)
      } else {
        report.notes.append(
          "scenario 8 (the PostgreSQL store against SQLite) not run: no server given (--postgres URL or LEDGERLINE_POSTGRES)"
        )
      }
    }
    if selected.contains(9) {
      if let obstacle = BenchFleet.obstacle(launcher: launcher, postgres: options.postgres) {
        report.notes.append("scenario 9 (one process against two, pinned) not run: \(obstacle)")
      } else if let url = options.postgres, case .executable(let path) = launcher {
        progress("9/9 fleet: 1 process on 1 core vs 2 on 2 (\(options.batchEvents) events on PostgreSQL)")
        try BenchFleet(options: options, url: url, executable: path).run(into: &report)
      }
    }
    if case .inProcess = launcher, selected.contains(3) {
      report.notes.append(
        "memory figures measured in-process: peaks are not separate per state size, so they carry no target")
    }
    // Stable: scenario order, then the order each scenario added its figures.
    report.figures = report.figures.enumerated()
      .sorted { ($0.element.scenario, $0.offset) < ($1.element.scenario, $1.offset) }.map(\.element)
    return report
  }
}
