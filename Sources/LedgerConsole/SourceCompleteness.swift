/// How complete one source is: its watermark and the gaps after it (SPEC §4, completeness).
public struct SourceCompleteness: Sendable, Equatable {
  /// The source name.
  public var source: String
  /// "Complete through" instant, e.g. `2026-11-27T10:45:00Z`; `nil` when nothing is complete yet.
  public var watermark: String?
  /// Human-readable gaps, e.g. `10:45–11:00 missing`.
  public var gaps: [String]

  /// Creates a completeness entry.
  public init(source: String, watermark: String?, gaps: [String] = []) {
    self.source = source
    self.watermark = watermark
    self.gaps = gaps
  }
}
