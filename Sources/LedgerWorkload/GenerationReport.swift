import LedgerDomain

/// What one ``WorkloadGenerator`` call wrote. Line counts add up:
/// physical lines = `goodLines + badLines` (+ one header row per CSV file).
public struct GenerationReport: Sendable, Equatable {
  /// Published batch files, relative to the inbox (`<source>/<from>_<to>.jsonl`), in write order.
  public var files: [String]
  /// Good events written (first copies, each with a new id), bulk lines and corrections included.
  public var events: Int
  /// How many of `events` belong to the bulk order.
  public var bulkLines: Int
  /// How many of `events` are corrections (kind `correction`, with reason and author).
  public var corrections: Int
  /// Re-sent copies of earlier good events (same id; the memo may differ).
  public var duplicateCopies: Int
  /// Bad lines written, by the rule each breaks (``RejectReason/rule`` names).
  public var badLinesByRule: [String: Int]
  /// Distinct order ids that have received a good event since the generator started
  /// (cumulative: a live round reports the running total).
  public var distinctOrders: Int
  /// Bytes in the published files.
  public var bytes: Int

  /// An empty report.
  public init() {
    files = []
    events = 0
    bulkLines = 0
    corrections = 0
    duplicateCopies = 0
    badLinesByRule = [:]
    distinctOrders = 0
    bytes = 0
  }

  /// All bad lines.
  public var badLines: Int { badLinesByRule.values.reduce(0, +) }

  /// Lines an ingest should accept (first copies and duplicate copies).
  public var goodLines: Int { events + duplicateCopies }

  /// Adds a later report's counts to this one (`distinctOrders` is a running total: the larger wins).
  public mutating func merge(_ later: GenerationReport) {
    files += later.files
    events += later.events
    bulkLines += later.bulkLines
    corrections += later.corrections
    duplicateCopies += later.duplicateCopies
    badLinesByRule.merge(later.badLinesByRule, uniquingKeysWith: +)
    distinctOrders = max(distinctOrders, later.distinctOrders)
    bytes += later.bytes
  }
}
