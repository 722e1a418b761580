import Foundation
import LedgerDomain
import LedgerEngine
import LedgerOperations
import LedgerStorage
import LedgerWorkload

/// Scenario 1: the same generated events applied by the pipeline (`Engine.runUntilIdle`) and by
/// the legacy per-event read-modify-write (``TransactionalApplier``), each on its own data
/// directory with a byte-identical inbox; both must end with identical artifacts.
struct BenchBatchVsTransactional {
  let options: BenchOptions

  struct Side {
    var cpu = 0.0
    var wall = 0.0
    var bytes: Int64 = 0
    var artifactBytes: Int64 = 0
    var records: Int64 = 0
    var objects: Int64 = 0
    var indexTransactions: Int64 = 0
    var indexRows: Int64 = 0
  }

  func generator() -> GeneratorOptions {
    let perBatch = max(1, options.transactionalEvents / 20)
    return GeneratorOptions(
      seed: options.seed, batchesPerSource: 5, eventsPerBatch: perBatch,
      orderCount: max(10, options.transactionalEvents / 4), bulkOrderLines: 0)
  }

  func run(into report: inout BenchReport) throws {
    let batchRoot = "\(options.workDirectory)/s1-batch"
    let txRoot = "\(options.workDirectory)/s1-transactional"
    for root in [batchRoot, txRoot] {
      _ = try WorkloadGenerator(options: generator()).write(toInbox: "\(root)/inbox")
    }
    let (batch, jobs, partitions) = try runBatch(root: batchRoot)
    let (tx, txCounts) = try runTransactional(root: txRoot)
    let (artifacts, lines) = try compare(batchRoot: batchRoot, txRoot: txRoot)
    add(batch, tx, jobs: jobs, partitions: partitions, txCounts: txCounts, into: &report)
    report.figures.append(
      BenchFigure(
        scenario: 1, metric: "identical artifacts", value: Double(artifacts), unit: "count",
        note:
          "export --lines of both data directories compared artifact by artifact (version and location aside): \(artifacts) artifacts, \(lines) lines, identical"
      ))
    checkShape(batch, tx, into: &report)
  }

  private func runBatch(root: String) throws -> (Side, Int, Int) {
    let workspace = try Workspace(root: root, mode: .engine)
    let context = workspace.context
    let before = BenchMeter.sample()
    let idle = try Engine(context: context).runUntilIdle()
    let after = BenchMeter.sample()
    if let failed = idle.failed.first {
      throw BenchError.engineFailed(scenario: "1", detail: "batch \(failed.seq): \(failed.lastError ?? "?")")
    }
    var side = Side(cpu: after.cpuSeconds(since: before), wall: after.wallSeconds(since: before))
    side.bytes = after.bytesWritten(since: before)
    let jobs = try context.ledger.recentJobs(limit: 100_000)
    var keys: Int64 = 0
    var written: Int64 = 0
    for job in jobs {
      keys += job.counts.keys
      written += job.counts.artifactsWritten
      side.artifactBytes += job.counts.bytesWritten
    }
    // Per job and partition: a stateless part, an artifact part and a manifest part.
    side.objects = Int64(jobs.count * context.partitions * 3)
    side.records = keys + 3 * written
    side.indexTransactions = Int64(jobs.count)
    side.indexRows = written
    return (side, jobs.count, context.partitions)
  }

  private func runTransactional(root: String) throws -> (Side, TransactionalApplier.Counts) {
    // The per-event design updates one B-tree in place, event by event.
    let workspace = try Workspace(root: root, mode: .engine, keyIndex: .btree)
    let before = BenchMeter.sample()
    let counts = try TransactionalApplier(context: workspace.context).run()
    let after = BenchMeter.sample()
    var side = Side(cpu: after.cpuSeconds(since: before), wall: after.wallSeconds(since: before))
    side.bytes = after.bytesWritten(since: before)
    side.artifactBytes = counts.artifactBytes
    side.records = counts.recordsWritten
    side.objects = counts.objectWrites
    side.indexTransactions = counts.indexTransactions
    side.indexRows = counts.indexRows
    return (side, counts)
  }

  private func add(
    _ b: Side, _ t: Side, jobs: Int, partitions: Int, txCounts: TransactionalApplier.Counts,
    into report: inout BenchReport
  ) {
    let tx = "transactional"
    let cpuMet = b.cpu * 10 <= t.cpu
    let writesMet = Double(b.objects) <= Double(t.objects) * 0.01
    report.figures += [
      BenchFigure(
        scenario: 1, metric: "CPU-seconds", value: b.cpu, unit: "s", baseline: t.cpu, baselineName: tx,
        target: "≥ 10× less", met: cpuMet,
        note:
          "getrusage user+sys of the whole process over each run; \(txCounts.events) events (\(txCounts.applied) lines, \(txCounts.duplicates) duplicates, \(txCounts.rejected) rejected) in \(jobs) stateful batch\(jobs == 1 ? "" : "es")"
      ),
      BenchFigure(scenario: 1, metric: "wall time", value: b.wall, unit: "s", baseline: t.wall, baselineName: tx),
      BenchFigure(
        scenario: 1, metric: "bytes written (all files)", value: Double(b.bytes), unit: "bytes",
        baseline: Double(t.bytes), baselineName: tx,
        note: "/proc/self/io wchar: part files, SQLite (index and workflow ledger, WAL) and rejects"),
      BenchFigure(
        scenario: 1, metric: "artifact bytes written", value: Double(b.artifactBytes), unit: "bytes",
        baseline: Double(t.artifactBytes), baselineName: tx),
      BenchFigure(
        scenario: 1, metric: "records written", value: Double(b.records), unit: "count",
        baseline: Double(t.records), baselineName: tx,
        note:
          "batch: stateless groups + segment, summary and manifest entry per artifact; transactional: segment + summary per line"
      ),
      BenchFigure(
        scenario: 1, metric: "object writes (part files)", value: Double(b.objects), unit: "count",
        baseline: Double(t.objects), baselineName: tx, target: "≥ 99% fewer", met: writesMet,
        note:
          "batch: \(jobs) batch\(jobs == 1 ? "" : "es") × \(partitions) partitions × 3 parts (stateless, artifacts, manifest)"
      ),
      BenchFigure(
        scenario: 1, metric: "index write transactions", value: Double(b.indexTransactions), unit: "count",
        baseline: Double(t.indexTransactions), baselineName: tx),
      BenchFigure(
        scenario: 1, metric: "index rows written", value: Double(b.indexRows), unit: "count",
        baseline: Double(t.indexRows), baselineName: tx,
        note: "batch: one entry per artifact written (external event ids of large artifacts not counted)"),
    ]
  }

  private func checkShape(_ b: Side, _ t: Side, into report: inout BenchReport) {
    if !(b.cpu < t.cpu) {
      report.shapeProblems.append("batch CPU \(b.cpu) s is not below transactional \(t.cpu) s")
    }
    if !(b.objects < t.objects) {
      report.shapeProblems.append("batch object writes \(b.objects) are not below transactional \(t.objects)")
    }
    if !(b.indexTransactions < t.indexTransactions) {
      report.shapeProblems.append(
        "batch index transactions \(b.indexTransactions) are not below transactional \(t.indexTransactions)")
    }
  }

  /// Compares the exports; returns (artifacts, lines).
  private func compare(batchRoot: String, txRoot: String) throws -> (Int, Int) {
    let batch = try Self.export(root: batchRoot)
    let tx = try Self.export(root: txRoot)
    for (a, b) in zip(batch, tx) where a.key != b.key || a.json != b.json {
      throw BenchError.artifactsDiffer(
        orderID: a.key, batch: a.json, transactional: b.key == a.key ? b.json : "order \(b.key)")
    }
    if batch.count != tx.count {
      let extra = batch.count > tx.count ? batch[tx.count] : tx[batch.count]
      throw BenchError.artifactsDiffer(
        orderID: extra.key, batch: "\(batch.count) artifacts", transactional: "\(tx.count) artifacts")
    }
    return (batch.count, batch.reduce(0) { $0 + $1.lines })
  }

  /// Every artifact as export --lines renders it, version and location blanked.
  static func export(root: String) throws -> [(key: String, json: String, lines: Int)] {
    let workspace = try Workspace(root: root, mode: .reader)
    var out: [(key: String, json: String, lines: Int)] = []
    try ArtifactQuery(context: workspace.context).forEach(withLines: true) { view in
      var normal = view
      normal.entry.version = 0
      normal.entry.location = ArtifactLocation(part: "", offset: 0, length: 0)
      out.append((view.summary.orderID, try ArtifactRendering.json(normal, withLines: true), view.lines.count))
    }
    return out
  }
}
