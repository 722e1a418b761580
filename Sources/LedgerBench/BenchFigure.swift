import Foundation
import LedgerOperations

/// One row of the benchmark table: a measured value, optionally against a baseline measured in
/// the same run, and optionally against a SPEC §8 target (met or not, reported honestly).
public struct BenchFigure: Sendable, Equatable {
  /// Scenario number (1…6) and its short title.
  public var scenario: Int
  /// What was measured, e.g. `CPU-seconds`.
  public var metric: String
  /// The engine's value.
  public var value: Double
  /// Unit of `value` and `baseline`: `s`, `ms`, `events/s`, `bytes`, `count`, `MiB`.
  public var unit: String
  /// The same quantity measured the baseline way in the same run, if any.
  public var baseline: Double?
  /// The baseline's name, e.g. `transactional`.
  public var baselineName: String?
  /// The target as text, e.g. `≥ 10× less`, if there is one.
  public var target: String?
  /// Whether the target is met (nil without a target).
  public var met: Bool?
  /// How it was measured, when that matters.
  public var note: String?

  /// A figure; see the properties.
  public init(
    scenario: Int, metric: String, value: Double, unit: String, baseline: Double? = nil,
    baselineName: String? = nil, target: String? = nil, met: Bool? = nil, note: String? = nil
  ) {
    self.scenario = scenario
    self.metric = metric
    self.value = value
    self.unit = unit
    self.baseline = baseline
    self.baselineName = baselineName
    self.target = target
    self.met = met
    self.note = note
  }

  /// `value / baseline`, when there is a non-zero baseline.
  public var ratio: Double? {
    guard let baseline, baseline != 0 else { return nil }
    return value / baseline
  }

  /// The ratio as text: `0.094× (−90.6%)`.
  public var ratioText: String {
    guard let ratio else { return "" }
    let change = (ratio - 1) * 100
    let sign = change < 0 ? "−" : "+"
    return String(format: "%.4g× (%@%.1f%%)", ratio, sign, abs(change))
  }

  /// `value` formatted for its unit.
  public var valueText: String { Self.format(value, unit: unit) }

  /// `baseline` formatted for its unit ("" without one).
  public var baselineText: String { baseline.map { Self.format($0, unit: unit) } ?? "" }

  static func format(_ v: Double, unit: String) -> String {
    switch unit {
    case "count", "bytes", "events": return String(Int64(v.rounded()))
    case "events/s": return String(format: "%.0f", v)
    case "s": return String(format: "%.3f", v)
    case "ms": return String(format: "%.3f", v)
    case "MiB": return String(format: "%.1f", v)
    default: return String(format: "%.4g", v)
    }
  }

  /// The figure as one JSON object.
  public var json: String {
    var fields: [(String, String)] = [
      ("scenario", String(scenario)), ("metric", JSONText.quote(metric)),
      ("value", Self.jsonNumber(value)), ("unit", JSONText.quote(unit)),
    ]
    if let baseline { fields.append(("baseline", Self.jsonNumber(baseline))) }
    if let baselineName { fields.append(("baseline_name", JSONText.quote(baselineName))) }
    if let ratio { fields.append(("ratio", Self.jsonNumber(ratio))) }
    if let target { fields.append(("target", JSONText.quote(target))) }
    if let met { fields.append(("met", met ? "true" : "false")) }
    if let note { fields.append(("note", JSONText.quote(note))) }
    return JSONText.object(fields)
  }

  static func jsonNumber(_ v: Double) -> String {
    guard v.isFinite else { return "null" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return String(format: "%.6g", v)
  }
}
