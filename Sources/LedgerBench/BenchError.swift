/// Why a benchmark could not run or did not hold.
public enum BenchError: Error, Sendable, CustomStringConvertible {
  /// A size flag is out of range.
  case invalidOption(name: String, value: String, expected: String)
  /// The batch and the transactional run ended with different artifacts.
  case artifactsDiffer(orderID: String, batch: String, transactional: String)
  /// A child process (memory scenario) failed.
  case childFailed(command: String, status: Int32, detail: String)
  /// A child's result file could not be read.
  case badChildOutput(path: String, detail: String)
  /// A correction did not become visible in time.
  case correctionNotVisible(orderID: String, seconds: Double)
  /// The engine left failed batches behind.
  case engineFailed(scenario: String, detail: String)
  /// The workload generator did not write what was asked (scenario 7: one file per source).
  case generatorFailed(detail: String)
  /// The DuckDB peer (scenario 7) failed or printed something unexpected.
  case peerFailed(command: String, status: Int32, detail: String)

  public var description: String {
    switch self {
    case .invalidOption(let name, let value, let expected):
      "invalid --\(name) \"\(value)\": expected \(expected)"
    case .artifactsDiffer(let orderID, let batch, let transactional):
      "batch and transactional runs disagree on order \"\(orderID)\": batch \(batch), transactional \(transactional); the engine or the baseline applies events differently — report it with the seed"
    case .childFailed(let command, let status, let detail):
      "benchmark child \"\(command)\" exited with status \(status): \(detail); rerun it by hand to see its error"
    case .badChildOutput(let path, let detail):
      "cannot read the benchmark child's result \(path): \(detail)"
    case .correctionNotVisible(let orderID, let seconds):
      "the correction to order \"\(orderID)\" was not visible after \(seconds) s; check `ledgerline status` of the bench data directory"
    case .engineFailed(let scenario, let detail):
      "the engine failed in scenario \(scenario): \(detail)"
    case .generatorFailed(let detail):
      "the workload generator did not write what the benchmark asked for: \(detail); report it with the seed"
    case .peerFailed(let command, let status, let detail):
      "the DuckDB peer \"\(command)\" failed (status \(status)): \(detail); rerun it by hand to see its whole error"
    }
  }
}
