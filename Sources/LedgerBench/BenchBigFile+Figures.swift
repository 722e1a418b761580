import Foundation
import LedgerStorage

/// Scenario 7's rows: the engine's figures with DuckDB's as baselines, issue 10's targets (judged
/// only at its size: 2M events against a 1M-event state), and the line counts side by side.
extension BenchBigFile {
  /// Issue 10's size: targets are judged only at it (or above).
  var judged: Bool { options.bigFileEvents >= 2_000_000 && options.bigFileState >= 1_000_000 }

  func add(_ m: Measured, big: Input, peer: PeerOutcome, into report: inout BenchReport) {
    let run = m.run
    let duck: BenchDuckDBPeer.Run? = if case .ran(let r) = peer { r } else { nil }
    let wall = run.wallSeconds + run.compactionSeconds
    let cpu = run.cpuSeconds + run.compactionCPUSeconds
    let peak = Double(max(run.peakRSS, run.peakAfterCompaction)) / Double(1 << 20)
    let reduceSeconds = Double(run.stageMillis[.reduce] ?? 0) / 1000
    let rate = Double(m.counts.events) / max(reduceSeconds, 1e-3)
    let separate = run.separateProcess
    report.figures += [
      BenchFigure(
        scenario: 7, metric: "end-to-end (run --until-idle)", value: wall, unit: "s", baseline: duck?.wallSeconds,
        baselineName: duck.map { _ in "DuckDB" }, target: target("≤ 5 s"), met: judged ? wall <= 5 : nil,
        note: describe(m, big: big)),
      BenchFigure(
        scenario: 7, metric: "CPU-seconds (user+sys)", value: cpu, unit: "s", baseline: duck?.cpuSeconds,
        baselineName: duck.map { _ in "DuckDB" }, target: target("≤ 8 CPU-s"), met: judged ? cpu <= 8 : nil),
      BenchFigure(
        scenario: 7, metric: "peak RSS", value: peak, unit: "MiB", baseline: duck?.peakRSSMiB,
        baselineName: duck.map { _ in "DuckDB" }, target: separate ? target("≤ 1 GiB") : nil,
        met: separate && judged ? peak <= 1024 : nil, note: memoryNote(run, peer: duck != nil)),
      BenchFigure(
        scenario: 7, metric: "reduce, one file", value: rate, unit: "events/s", target: target("≥ 2,000,000 events/s"),
        met: judged ? rate >= 2_000_000 : nil,
        note:
          "\(m.counts.events) events (lines accepted or duplicate, as scenario 2 counts them) in the reduce stage's \(run.stageMillis[.reduce] ?? 0) ms (workflow ledger)"
      ),
    ]
    for stage in Stage.allCases {
      report.figures.append(
        BenchFigure(
          scenario: 7, metric: "stage \(stage.rawValue)", value: Double(run.stageMillis[stage] ?? 0) / 1000, unit: "s"))
    }
    report.figures.append(
      BenchFigure(
        scenario: 7, metric: "compaction step (when due)", value: run.compactionSeconds, unit: "s",
        note: run.compactionRan
          ? String(
            format: "a pass ran (%.2f CPU-s), as `run --until-idle` ends with one when due", run.compactionCPUSeconds)
          : "no pass due (a pass runs only when recorded garbage makes some part dead or sparse enough to rewrite)"))
    addPeer(duck, peer: peer, wall: wall, cpu: cpu, peak: peak, into: &report)
    addCounts(m, big: big, duck: duck, into: &report)
  }

  private func target(_ text: String) -> String {
    judged ? text : "\(text) at 2M events vs 1M (not judged at this size)"
  }

  private func describe(_ m: Measured, big: Input) -> String {
    let run = m.run
    let new = m.artifactsAfter - m.stateArtifacts
    let seconds = { (s: Double) in String(format: "%.3f s", s) }
    let stages = Stage.allCases.map { "\($0.rawValue) \(run.stageMillis[$0] ?? 0)" }.joined(separator: ", ")
    return
      "one file of \(big.report.goodLines + big.report.badLines) lines (\(BenchThroughput.mib(Int64(big.report.bytes))) MiB) against \(m.stateArtifacts) artifacts: \(m.counts.keys) keys (\(Int(m.counts.keys) - new) existing artifacts, \(new) new), \(m.counts.artifactsWritten) artifacts written, \(run.jobs) stateful batch\(run.jobs == 1 ? "" : "es"); batch until idle \(seconds(run.wallSeconds)), \(String(format: "%.2f", run.cpuSeconds)) CPU-s, then the compaction step \(seconds(run.compactionSeconds)); stages (ms) \(stages)"
  }

  private func memoryNote(_ run: BenchEndToEnd.Result, peer: Bool) -> String {
    let duckdb = peer ? "; DuckDB: VmHWM of the Python process over the apply (the peer resets it first)" : ""
    guard run.separateProcess else { return "in-process (the peak is not this run's alone: no target)\(duckdb)" }
    let marks = Stage.allCases.map { "\($0.rawValue) \(BenchThroughput.mib(run.highWaterAtStageStart[$0] ?? 0))" }
    return
      "child process: ru_maxrss at the end (VmHWM \(BenchThroughput.mib(run.startRSS)) MiB at start; when each stage began: \(marks.joined(separator: ", ")) MiB)\(duckdb)"
  }

  private func addPeer(
    _ duck: BenchDuckDBPeer.Run?, peer: PeerOutcome, wall: Double, cpu: Double, peak: Double,
    into report: inout BenchReport
  ) {
    switch peer {
    case .skipped(let reason):
      report.notes.append("one big file: DuckDB peer skipped: \(reason)")
    case .failed(let detail):
      report.notes.append("one big file: DuckDB PEER FAILED, no baseline: \(detail)")
    case .ran(let duck):
      let speedup = duck.wallSeconds / max(wall, 1e-9)
      report.figures.append(
        BenchFigure(
          scenario: 7, metric: "speed-up vs DuckDB (wall)", value: speedup, unit: "×", target: target("≥ 5×"),
          met: judged ? speedup >= 5 : nil,
          note:
            "duckdb_peer.py (DuckDB \(duck.duckdb)) on the same file, after the state file untimed on the same database: "
            + String(
              format: "%.3f s wall, %.2f CPU-s (%.3g× Ledgerline's), %.1f MiB peak (%.3g× Ledgerline's)",
              duck.wallSeconds,
              duck.cpuSeconds, duck.cpuSeconds / max(cpu, 1e-9), duck.peakRSSMiB, duck.peakRSSMiB / max(peak, 1e-9))))
    }
  }

  private func addCounts(_ m: Measured, big: Input, duck: BenchDuckDBPeer.Run?, into report: inout BenchReport) {
    let engine = BenchBigFileCounts(engine: m.counts)
    let generated = BenchBigFileCounts(generated: big.report)
    let peer = duck.map(BenchBigFileCounts.init(peer:))
    let name = duck.map { _ in "DuckDB" }
    report.figures += [
      BenchFigure(
        scenario: 7, metric: "lines accepted", value: Double(engine.accepted), unit: "count",
        baseline: peer.map { Double($0.accepted) }, baselineName: name,
        note: "generated: \(generated.text)"),
      BenchFigure(
        scenario: 7, metric: "lines rejected", value: Double(engine.rejected), unit: "count",
        baseline: peer.map { Double($0.rejected) }, baselineName: name),
      BenchFigure(
        scenario: 7, metric: "duplicate lines", value: Double(engine.duplicates), unit: "count",
        baseline: peer.map { Double($0.duplicates) }, baselineName: name),
    ]
    if engine != generated {
      report.notes.append(
        "one big file: ENGINE COUNTS DIFFER FROM THE GENERATED INPUT: engine \(engine.text); generator \(generated.text)"
      )
    }
    guard let peer else { return }
    if let difference = BenchBigFileCounts.difference(engine: engine, peer: peer, laxness: m.laxness) {
      report.notes.append("one big file: \(difference.text)")
    } else {
      report.notes.append("one big file: Ledgerline and DuckDB agree on the big file's lines: \(engine.text)")
    }
  }
}
