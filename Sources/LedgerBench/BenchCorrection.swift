import Foundation
import LedgerDomain
import LedgerEngine
import LedgerOperations
import Synchronization

/// Scenario 6: from `CorrectionSubmitter.submit` to the new balance visible through
/// `ArtifactQuery.lookup` (a separate reader, as `ledgerline lookup`), with `Engine.run()` on a
/// thread; on an idle line, then with a backlog of other batches arriving just before.
struct BenchCorrection {
  let options: BenchOptions
  static let timeoutSeconds = 120.0

  func run(into report: inout BenchReport) throws {
    let root = "\(options.workDirectory)/s6-correction"
    let workspace = try Workspace(root: root, mode: .engine)
    let context = workspace.context
    let stateCount = 10_000
    try BenchStateLoader(context: context).load(count: stateCount, stride: 1)
    let engine = Engine(context: context)
    let errors = Mutex<[any Error]>([])
    let stopped = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      do { try engine.run() } catch { errors.withLock { $0.append(error) } }
      stopped.signal()
    }
    defer {
      engine.requestStop()
      stopped.wait()
    }
    let reader = try Workspace(root: root, mode: .reader)
    let submitter = CorrectionSubmitter(paths: context.paths, ledger: context.ledger)
    let query = ArtifactQuery(context: reader.context)
    var idle: [Double] = []
    var loaded: [Double] = []
    let loadKeys = max(1, min(options.batchKeys, 50_000))
    for trial in 0..<options.corrections {
      idle.append(try timeCorrection(order: BenchInput.orderID(trial), submitter, query))
      if let error = errors.withLock({ $0.first }) { throw error }
    }
    for trial in 0..<options.corrections {
      try BenchInput.writeKeyedBatch(
        inbox: context.paths.inbox, source: "load-\(trial)", keys: loadKeys, stride: 1)
      loaded.append(try timeCorrection(order: BenchInput.orderID(100 + trial), submitter, query))
      if let error = errors.withLock({ $0.first }) { throw error }
    }
    add(idle: idle, loaded: loaded, loadEvents: loadKeys * 2, into: &report)
  }

  private func timeCorrection(order: String, _ submitter: CorrectionSubmitter, _ query: ArtifactQuery) throws -> Double
  {
    let before = try query.lookup(order, withLines: false)?.summary.lineCount ?? 0
    let request = CorrectionRequest(
      orderID: order, amount: "-1.00", currency: "USD", reason: "bench correction", author: "ledgerline-bench")
    let start = DispatchTime.now().uptimeNanoseconds
    guard case .success = try submitter.submit(request) else {
      throw BenchError.engineFailed(scenario: "6", detail: "the correction request was refused")
    }
    while true {
      if let view = try query.lookup(order, withLines: false), view.summary.lineCount > before {
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      }
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if elapsed > Self.timeoutSeconds {
        throw BenchError.correctionNotVisible(orderID: order, seconds: elapsed)
      }
      usleep(1_000)
    }
  }

  private func add(idle: [Double], loaded: [Double], loadEvents: Int, into report: inout BenchReport) {
    let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
    let pollMillis = EngineOptions().pollMillis
    report.figures += [
      BenchFigure(
        scenario: 6, metric: "correction visible, idle line (median)", value: median(idle), unit: "s",
        target: "≤ 5 s (SPEC §1: seconds)", met: median(idle) <= 5,
        note:
          "\(idle.count) corrections, max \(String(format: "%.3f", idle.max() ?? 0)) s; Engine.run() on a thread with the default \(pollMillis) ms inbox poll; visible = lookup through a separate reader shows the new line"
      ),
      BenchFigure(
        scenario: 6, metric: "correction visible, loaded line (median)", value: median(loaded), unit: "s",
        baseline: median(idle), baselineName: "idle", target: "≤ 10 s (SPEC §1: seconds)", met: median(loaded) <= 10,
        note:
          "\(loaded.count) corrections, each submitted right after a \(loadEvents)-event batch landed; max \(String(format: "%.3f", loaded.max() ?? 0)) s"
      ),
    ]
  }
}
