import Foundation
import LedgerEngine
import LedgerOperations
import LedgerStorage

/// Scenarios 2 and 3: the stateless reducer alone on a big job; then the end-to-end batch
/// (two events on each of `batchKeys` keys) against the large state and against a state ten
/// times smaller, each run in its own process so that their memory peaks are separate.
struct BenchThroughput {
  let options: BenchOptions
  let launcher: BenchChildLauncher

  /// Root of the large state once loaded (the lookups scenario reads it).
  func run(into report: inout BenchReport, states: inout BenchStates) throws {
    try reduceAlone(into: &report)
    let large = try states.prepare(count: options.stateArtifacts, stride: 1, report: &report)
    let small = try states.prepare(count: options.stateArtifacts / 10, stride: 10, report: &report)
    var results: [BenchEndToEnd.Result] = []
    for root in [large, small] {
      try BenchInput.writeKeyedBatch(inbox: "\(root)/inbox", source: "e2e", keys: options.batchKeys, stride: 10)
      results.append(try launcher.endToEnd(root: root, compaction: options.measureCompaction ? .forced : .off))
    }
    states.consumed = true
    addEndToEnd(large: results[0], small: results[1], into: &report)
    addMemory(large: results[0], small: results[1], into: &report)
  }

  private func reduceAlone(into report: inout BenchReport) throws {
    let root = "\(options.workDirectory)/s2-reduce"
    let keys = max(1, options.reduceEvents / 2)
    try BenchInput.writeKeyedBatch(inbox: "\(root)/inbox", source: "reduce", keys: keys, stride: 1)
    let workspace = try Workspace(root: root, mode: .engine)
    let context = workspace.context
    try Engine(context: context).scanInbox()
    let inputs = try context.ledger.ungroupedInputBatches().map(\.id)
    let job = try context.ledger.createJob(
      inputs: inputs, partitions: context.partitions, at: context.clock.nowMillis())
    let before = BenchMeter.sample()
    let output = try StatelessReducer(context: context).run(job: job)
    let after = BenchMeter.sample()
    let wall = after.wallSeconds(since: before)
    let rate = Double(output.counts.events) / max(wall, 1e-9)
    report.figures.append(
      BenchFigure(
        scenario: 2, metric: "stateless reduce", value: rate, unit: "events/s", target: "≥ 1,000,000 events/s",
        met: rate >= 1_000_000,
        note:
          "StatelessReducer.run alone on one job of \(output.counts.events) events (\(inputs.count) input files, \(output.counts.keys) keys): \(String(format: "%.3f", wall)) s wall, \(String(format: "%.3f", after.cpuSeconds(since: before))) CPU-s"
      ))
  }

  private func addEndToEnd(large: BenchEndToEnd.Result, small: BenchEndToEnd.Result, into report: inout BenchReport) {
    let n = options.stateArtifacts
    let specSize = options.batchEvents >= 2_000_000 && n >= 10_000_000
    let describe = { (r: BenchEndToEnd.Result) in
      "\(r.events) events, \(r.keys) keys, \(r.artifactsWritten) artifacts written, \(r.jobs) stateful batch\(r.jobs == 1 ? "" : "es"), \(String(format: "%.2f", r.cpuSeconds)) CPU-s; stages (ms) "
        + Stage.allCases.map { "\($0.rawValue) \(r.stageMillis[$0] ?? 0)" }.joined(separator: ", ")
    }
    report.figures.append(
      BenchFigure(
        scenario: 2, metric: "end-to-end vs \(n) artifacts", value: large.wallSeconds, unit: "s",
        baseline: small.wallSeconds, baselineName: "vs \(n / 10) artifacts",
        target: specSize ? "≤ 15 s" : "≤ 15 s at 2M events vs 10M (not this size)",
        met: specSize ? large.wallSeconds <= 15 : nil, note: describe(large)))
    report.figures.append(
      BenchFigure(
        scenario: 2, metric: "end-to-end vs \(n / 10) artifacts", value: small.wallSeconds, unit: "s",
        target: specSize ? "≤ 10 s" : "≤ 10 s at 2M events (not this size)",
        met: specSize ? small.wallSeconds <= 10 : nil, note: describe(small)))
    for stage in Stage.allCases {
      report.figures.append(
        BenchFigure(
          scenario: 2, metric: "stage \(stage.rawValue) vs \(n) artifacts",
          value: Double(large.stageMillis[stage] ?? 0) / 1000, unit: "s",
          baseline: Double(small.stageMillis[stage] ?? 0) / 1000, baselineName: "vs \(n / 10)"))
    }
  }

  private func addMemory(large: BenchEndToEnd.Result, small: BenchEndToEnd.Result, into report: inout BenchReport) {
    let gib: Int64 = 1 << 30
    let separate = large.separateProcess && small.separateProcess
    let mib = { (bytes: Int64) in Double(bytes) / Double(1 << 20) }
    let how = { (r: BenchEndToEnd.Result) -> String in
      guard separate else { return "in-process (peaks not separate: no target)" }
      return
        "child process per state size; ru_maxrss when the line went idle (VmHWM \(Self.mib(r.highWaterMark)) MiB; \(Self.mib(r.startRSS)) MiB at start; VmHWM when each stage began: \(stageMarks(r)))"
    }
    let (n, tenth) = (options.stateArtifacts, options.stateArtifacts / 10)
    let flat = { (a: Int64, b: Int64) in Double(a) <= 1.25 * Double(b) }
    report.figures += [
      BenchFigure(
        scenario: 3, metric: "peak RSS, pipeline, vs \(n) artifacts", value: mib(large.peakRSS), unit: "MiB",
        baseline: mib(small.peakRSS), baselineName: "vs \(tenth)",
        target: separate ? "≤ 1 GiB and ≤ 1.25× vs 10× smaller state" : nil,
        met: separate ? large.peakRSS <= gib && flat(large.peakRSS, small.peakRSS) : nil,
        note: how(large)),
      BenchFigure(
        scenario: 3, metric: "peak RSS, pipeline, vs \(tenth) artifacts", value: mib(small.peakRSS), unit: "MiB",
        target: separate ? "≤ 1 GiB" : nil, met: separate ? small.peakRSS <= gib : nil,
        note: how(small)),
    ]
    guard options.measureCompaction else { return }
    report.figures += [
      BenchFigure(
        scenario: 2, metric: "compaction pass vs \(n) artifacts", value: large.compactionSeconds, unit: "s",
        baseline: small.compactionSeconds, baselineName: "vs \(tenth)",
        note:
          "Engine.compactIfQuiescent() once after the batch (runUntilIdle does this by default; here automatic compaction was off during the batch so the two are timed apart); it scanned \(large.compactionExaminedParts) parts (\(large.compactionExaminedBytes) bytes) and reclaimed \(large.compactionReclaimedBytes) bytes (vs \(tenth): \(small.compactionExaminedParts) parts, \(small.compactionReclaimedBytes) bytes): a pass looks only where recorded garbage makes a part sparse"
      ),
      BenchFigure(
        scenario: 3, metric: "peak RSS incl. compaction, vs \(n) artifacts", value: mib(large.peakAfterCompaction),
        unit: "MiB", baseline: mib(small.peakAfterCompaction), baselineName: "vs \(tenth)",
        target: separate ? "≤ 1 GiB and ≤ 1.25× vs 10× smaller state" : nil,
        met: separate
          ? large.peakAfterCompaction <= gib && flat(large.peakAfterCompaction, small.peakAfterCompaction) : nil,
        note: "the same child after one compaction pass"),
    ]
  }

  private func stageMarks(_ r: BenchEndToEnd.Result) -> String {
    Stage.allCases.map { "\($0.rawValue) \(Self.mib(r.highWaterAtStageStart[$0] ?? 0)) MiB" }.joined(separator: ", ")
  }

  static func mib(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / Double(1 << 20)) }
}
