import Foundation
import LedgerSystem

/// Everything one benchmark run measured: the figures, notes on method, and the shape checks
/// (batch cheaper than transactional) that make `ledgerline bench` exit non-zero when wrong.
public struct BenchReport: Sendable {
  /// The options the run used.
  public var options: BenchOptions
  /// Every figure, in scenario order.
  public var figures: [BenchFigure] = []
  /// How things were measured (bulk-loaded state, in-process children, …).
  public var notes: [String] = []
  /// Shape violations; empty when the batch path beats the transactional one as it must.
  public var shapeProblems: [String] = []
  /// The machine, build and command line.
  public var machine: String = BenchReport.machineDescription()

  /// An empty report for `options`.
  public init(options: BenchOptions) {
    self.options = options
  }

  /// Titles of the scenarios.
  public static let titles = [
    1: "batch vs transactional", 2: "throughput", 3: "memory", 4: "lookups", 5: "hot key",
    6: "correction latency", 7: "one big file", 8: "PostgreSQL vs SQLite", 9: "fleet",
  ]

  /// The figure named `metric` of `scenario`, if measured.
  public func figure(_ scenario: Int, _ metric: String) -> BenchFigure? {
    figures.first { $0.scenario == scenario && $0.metric == metric }
  }

  /// Targets that were measured and missed.
  public var missedTargets: [BenchFigure] { figures.filter { $0.met == false } }

  /// The report as an aligned text table followed by notes and the target summary.
  public func table() -> String {
    let header = ["#", "scenario", "metric", "value", "unit", "baseline", "ratio", "target", "met"]
    let rows = figures.map { f in
      [
        String(f.scenario), Self.titles[f.scenario] ?? "", f.metric, f.valueText, f.unit,
        f.baselineName.map { "\(f.baselineText) (\($0))" } ?? f.baselineText, f.ratioText,
        f.target ?? "", f.met.map { $0 ? "yes" : "NO" } ?? "",
      ]
    }
    let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    var out = "ledgerline bench --scale \(options.scale.rawValue) (seed \(options.seed))\n\(machine)\n\n"
    out += line(header) + "\n" + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
    out += rows.map(line).joined(separator: "\n") + "\n"
    for f in figures where f.note != nil {
      out += "\n[\(f.scenario)] \(f.metric): \(f.note ?? "")"
    }
    if !notes.isEmpty { out += "\n\nnotes:\n" + notes.map { "- \($0)" }.joined(separator: "\n") }
    let targets = figures.filter { $0.met != nil }
    out += "\n\ntargets met: \(targets.filter { $0.met == true }.count)/\(targets.count)"
    if !missedTargets.isEmpty {
      out += " (missed: " + missedTargets.map { "\($0.metric)" }.joined(separator: "; ") + ")"
    }
    out +=
      shapeProblems.isEmpty
      ? "\nshape: batch cheaper than transactional in CPU and writes: ok\n"
      : "\nSHAPE WRONG:\n" + shapeProblems.map { "- \($0)" }.joined(separator: "\n") + "\n"
    return out
  }

  /// The report as one line of JSON.
  public func json() throws -> String {
    try JSONOutput.line(JSON(self))
  }

  /// `bench --json`: the run's scale, seed and machine, every figure, the notes and the shape
  /// checks.
  struct JSON: Encodable {
    var scale: String
    var seed: UInt64
    var machine: String
    var figures: [BenchFigure]
    var notes: [String]
    var shapeOK: Bool
    var shapeProblems: [String]

    enum CodingKeys: String, CodingKey {
      case shapeOK = "shape_ok", shapeProblems = "shape_problems"
      case scale, seed, machine, figures, notes
    }

    init(_ report: BenchReport) {
      scale = report.options.scale.rawValue
      seed = report.options.seed
      machine = report.machine
      figures = report.figures
      notes = report.notes
      shapeOK = report.shapeProblems.isEmpty
      shapeProblems = report.shapeProblems
    }
  }

  /// Kernel, CPU count and build configuration.
  public static func machineDescription() -> String {
    var name = utsname()
    uname(&name)
    let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    #if DEBUG
      let build = "debug build"
    #else
      let build = "release build"
    #endif
    let memory = ProcessInfo.processInfo.physicalMemory >> 20
    return
      "Linux \(release) \(machine), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(memory) MiB RAM, \(build)"
  }
}
