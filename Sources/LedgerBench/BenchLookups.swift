import Foundation
import LedgerDomain
import LedgerOperations

/// Scenario 4: `ArtifactQuery.lookup` latency by order id over random keys of the large state,
/// with lines (as `ledgerline lookup`), first with an empty artifact cache, then warm.
struct BenchLookups {
  let options: BenchOptions

  func run(root: String, stateCount: Int, into report: inout BenchReport) throws {
    var random = SeededRandom(seed: options.seed ^ 0x100C)
    let keys = (0..<options.lookups).map { _ in BenchInput.orderID(random.next(below: stateCount)) }
    let workspace = try Workspace(root: root, mode: .reader)
    let query = ArtifactQuery(context: workspace.context)
    let cold = try measure(query, keys)
    let warm = try measure(query, keys)
    for (label, millis) in [("cold", cold), ("warm", warm)] {
      let sorted = millis.sorted()
      let pick = { (q: Double) in sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
      let isWarm = label == "warm"
      report.figures += [
        BenchFigure(scenario: 4, metric: "lookup p50 \(label)", value: pick(0.5), unit: "ms"),
        BenchFigure(
          scenario: 4, metric: "lookup p99 \(label)", value: pick(0.99), unit: "ms",
          target: isWarm ? "≤ 1 ms" : nil, met: isWarm ? pick(0.99) <= 1 : nil,
          note: isWarm
            ? nil
            : "\(keys.count) random keys of \(stateCount) artifacts, lines included; cold = fresh reader workspace (empty artifact cache, no open part files), OS page cache not dropped"
        ),
        BenchFigure(scenario: 4, metric: "lookup max \(label)", value: sorted.last ?? 0, unit: "ms"),
      ]
    }
  }

  private func measure(_ query: ArtifactQuery, _ keys: [String]) throws -> [Double] {
    var millis: [Double] = []
    millis.reserveCapacity(keys.count)
    for key in keys {
      let start = DispatchTime.now().uptimeNanoseconds
      let view = try query.lookup(key)
      millis.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      if view == nil { throw BenchError.engineFailed(scenario: "4", detail: "no artifact for state key \(key)") }
    }
    return millis
  }
}
