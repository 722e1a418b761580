import Foundation
import LedgerEngine
import LedgerOperations

/// Scenario 5: one bulk order grows to `hotKeyLines` lines over `hotKeyBatches` batches; each
/// batch's cost (artifact bytes written, all bytes written, wall time) must stay flat.
struct BenchHotKey {
  let options: BenchOptions

  struct Cost {
    var artifactBytes: Int64
    var bytes: Int64
    var wall: Double
  }

  func run(into report: inout BenchReport) throws {
    let root = "\(options.workDirectory)/s5-hot"
    let workspace = try Workspace(root: root, mode: .engine)
    let context = workspace.context
    let perBatch = options.hotKeyLines / options.hotKeyBatches
    let order = "bulk-000001"
    var costs: [Cost] = []
    for batch in 0..<options.hotKeyBatches {
      try BenchInput.writeHotBatch(inbox: context.paths.inbox, orderID: order, batch: batch, lines: perBatch)
      let before = BenchMeter.sample()
      let idle = try Engine(context: context).runUntilIdle()
      let after = BenchMeter.sample()
      if let failed = idle.failed.first {
        throw BenchError.engineFailed(scenario: "5", detail: "batch \(failed.seq): \(failed.lastError ?? "?")")
      }
      let job = try context.ledger.recentJobs(limit: 1).last
      costs.append(
        Cost(
          artifactBytes: job?.counts.bytesWritten ?? 0, bytes: after.bytesWritten(since: before),
          wall: after.wallSeconds(since: before)))
    }
    let lines = try ArtifactQuery(context: context).lookup(order, withLines: false)?.summary.lineCount ?? 0
    guard let first = costs.first, let last = costs.last else { return }
    let quarter = max(1, costs.count / 4)
    let quarterMean = { (slice: ArraySlice<Cost>) in Double(slice.map(\.bytes).reduce(0, +)) / Double(slice.count) }
    let note =
      "\(options.hotKeyBatches) batches of \(perBatch) lines; the order ends with \(lines) lines; flat = last ≤ 1.5× first"
    report.figures += [
      BenchFigure(
        scenario: 5, metric: "artifact bytes, last batch", value: Double(last.artifactBytes), unit: "bytes",
        baseline: Double(first.artifactBytes), baselineName: "first batch", target: "flat",
        met: Double(last.artifactBytes) <= 1.5 * Double(first.artifactBytes), note: note),
      BenchFigure(
        scenario: 5, metric: "bytes written, last quarter", value: quarterMean(costs.suffix(quarter)), unit: "bytes",
        baseline: quarterMean(costs.prefix(quarter)), baselineName: "first quarter", target: "flat",
        met: quarterMean(costs.suffix(quarter)) <= 1.5 * quarterMean(costs.prefix(quarter)),
        note:
          "/proc/self/io wchar per batch incl. SQLite WAL and checkpoints and the compaction pass runUntilIdle ends with; mean over the first and last \(quarter) batches (checkpoints land in arbitrary batches); first \(first.bytes), last \(last.bytes)"
      ),
      BenchFigure(
        scenario: 5, metric: "wall time, last batch", value: last.wall, unit: "s", baseline: first.wall,
        baselineName: "first batch", target: "flat", met: last.wall <= 1.5 * first.wall + 0.05,
        note: "includes the engine's idle detection (≈ tens of ms a batch); flat = last ≤ 1.5× first + 50 ms"),
    ]
  }
}
