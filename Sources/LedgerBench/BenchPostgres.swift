import Foundation
import LedgerDomain
import LedgerOperations

/// Scenario 8: what the network store costs. The same state and the same batch applied by one
/// engine on the embedded SQLite store and on PostgreSQL in the same run, then random lookups
/// through each (`ledgerline lookup`'s path, lines included). The PostgreSQL store lives in a
/// scratch schema of the given database, dropped afterwards.
struct BenchPostgres {
  let options: BenchOptions
  let url: String

  /// What one backend measured.
  private struct Measured {
    var load: Double
    var endToEnd: BenchEndToEnd.Result
    var lookups: [Double]
  }

  func run(into report: inout BenchReport) throws {
    let schema = "ledgerline_bench_\(getpid())_\(options.seed)"
    let postgres = try StoreBackend.chosen(flag: url).withSchema(schema)
    try postgres.dropScratchSchema()
    defer { try? postgres.dropScratchSchema() }
    let count = options.stateArtifacts / 10
    let sqlite = try measure(.sqlite, name: "s8-sqlite", count: count)
    let served = try measure(postgres, name: "s8-postgres", count: count)
    guard served.endToEnd.artifactsWritten == sqlite.endToEnd.artifactsWritten else {
      throw BenchError.engineFailed(
        scenario: "8",
        detail:
          "PostgreSQL wrote \(served.endToEnd.artifactsWritten) artifacts, SQLite \(sqlite.endToEnd.artifactsWritten)")
    }
    let e2e = { (r: BenchEndToEnd.Result) in
      String(format: "%.2f s wall, %.2f CPU-s", r.wallSeconds, r.cpuSeconds)
    }
    report.figures.append(
      BenchFigure(
        scenario: 8, metric: "end-to-end on PostgreSQL", value: served.endToEnd.wallSeconds, unit: "s",
        baseline: sqlite.endToEnd.wallSeconds, baselineName: "SQLite, same run",
        note:
          "\(served.endToEnd.events) events on \(served.endToEnd.keys) keys against \(count) artifacts, one engine; PostgreSQL \(e2e(served.endToEnd)) (CPU of this process only, not the server's), SQLite \(e2e(sqlite.endToEnd)); server \(postgres)"
      ))
    report.figures.append(
      BenchFigure(
        scenario: 8, metric: "state bulk load on PostgreSQL", value: served.load, unit: "s", baseline: sqlite.load,
        baselineName: "SQLite",
        note: "\(count) artifacts: part files plus their index entries, published 250,000 per transaction"))
    for (name, millis, target) in [
      ("PostgreSQL", served.lookups, 5.0), ("SQLite", sqlite.lookups, nil as Double?),
    ] {
      let sorted = millis.sorted()
      let pick = { (q: Double) in sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
      report.figures.append(
        BenchFigure(scenario: 8, metric: "lookup p50 through \(name)", value: pick(0.5), unit: "ms"))
      report.figures.append(
        BenchFigure(
          scenario: 8, metric: "lookup p99 through \(name)", value: pick(0.99), unit: "ms",
          target: target.map { "≤ \(Int($0)) ms" }, met: target.map { pick(0.99) <= $0 },
          note: target == nil
            ? nil
            : "\(sorted.count) random keys of \(count) artifacts, lines included, warm (second pass) through a reader workspace; the server on this host"
        ))
    }
  }

  /// Loads the state, applies the batch and times lookups on `backend`.
  private func measure(_ backend: StoreBackend, name: String, count: Int) throws -> Measured {
    let root = "\(options.workDirectory)/\(name)"
    let load: Double
    do {
      let workspace = try Workspace(root: root, mode: .engine, backend: backend)
      let before = BenchMeter.sample()
      _ = try BenchStateLoader(context: workspace.context).load(count: count, stride: 10)
      load = BenchMeter.sample().wallSeconds(since: before)
    }
    try BenchInput.writeKeyedBatch(inbox: "\(root)/inbox", source: "e2e", keys: options.batchKeys, stride: 10)
    let result = try BenchEndToEnd.run(root: root, backend: backend, compaction: .off)
    var random = SeededRandom(seed: options.seed ^ 0x8065)
    let keys = (0..<min(options.lookups, 20_000)).map { _ in BenchInput.orderID(random.next(below: count) * 10) }
    let reader = try Workspace(root: root, mode: .reader, backend: backend)
    let query = ArtifactQuery(context: reader.context)
    var millis: [Double] = []
    for pass in 0..<2 {
      for key in keys {
        let start = DispatchTime.now().uptimeNanoseconds
        let view = try query.lookup(key)
        if pass == 1 { millis.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        if view == nil { throw BenchError.engineFailed(scenario: "8", detail: "no artifact for state key \(key)") }
      }
    }
    return Measured(load: load, endToEnd: result, lookups: millis)
  }
}
