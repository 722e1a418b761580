import Foundation
import LedgerSystem

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

  /// The figure as one line of JSON.
  public var json: String {
    get throws { try JSONOutput.line(self) }
  }
}

extension BenchFigure: Encodable {
  enum CodingKeys: String, CodingKey {
    case scenario, metric, value, unit, baseline, ratio, target, met, note
    case baselineName = "baseline_name"
  }

  /// `bench --json`'s figure: numbers per ``jsonNumber(_:)``; absent optional fields left out.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(scenario, forKey: .scenario)
    try container.encode(metric, forKey: .metric)
    try container.encode(JSONNullable(Self.jsonNumber(value)), forKey: .value)
    try container.encode(unit, forKey: .unit)
    if let baseline { try container.encode(JSONNullable(Self.jsonNumber(baseline)), forKey: .baseline) }
    try container.encodeIfPresent(baselineName, forKey: .baselineName)
    if let ratio { try container.encode(JSONNullable(Self.jsonNumber(ratio)), forKey: .ratio) }
    try container.encodeIfPresent(target, forKey: .target)
    try container.encodeIfPresent(met, forKey: .met)
    try container.encodeIfPresent(note, forKey: .note)
  }

  /// `v` as written to JSON: nil (null) when not finite, an integer when integral and below
  /// 10^15, otherwise rounded to six significant digits.
  static func jsonNumber(_ v: Double) -> JSONNumber? {
    guard v.isFinite else { return nil }
    if v == v.rounded(), abs(v) < 1e15 { return JSONNumber(text: String(Int64(v))) }
    return JSONNumber(text: String(format: "%.6g", v))
  }
}
