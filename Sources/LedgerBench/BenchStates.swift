import Foundation
import LedgerOperations

/// Bulk-loaded states shared by the throughput, memory and lookup scenarios.
struct BenchStates {
  let options: BenchOptions
  /// Roots already loaded, by artifact count.
  var roots: [Int: String] = [:]
  /// True once the end-to-end batch has been applied to them.
  var consumed = false

  init(options: BenchOptions) {
    self.options = options
  }

  /// The data directory holding `count` bulk-loaded artifacts (key `i * stride`), loading it once.
  mutating func prepare(count: Int, stride: Int, report: inout BenchReport) throws -> String {
    if let root = roots[count] { return root }
    let root = "\(options.workDirectory)/state-\(count)"
    let workspace = try Workspace(root: root, mode: .engine)
    let before = BenchMeter.sample()
    let bytes = try BenchStateLoader(context: workspace.context).load(count: count, stride: stride)
    let after = BenchMeter.sample()
    report.notes.append(
      String(
        format:
          "state of %d artifacts built by the direct bulk loader (PartFileWriter summaries + segments, index entries published 250,000 per transaction), not by the engine: %.1f s, %.1f MiB of part files",
        count, after.wallSeconds(since: before), Double(bytes) / Double(1 << 20)))
    roots[count] = root
    return root
  }
}
