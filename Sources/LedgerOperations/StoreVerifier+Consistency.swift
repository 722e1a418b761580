import LedgerDomain
import LedgerStorage

/// An artifact's lines added up, to hold against its summary: the line count, the totals per
/// currency (every line counted, as stored), and the event ids (each may be a line only once).
struct LineTally {
  /// What the lines add up to.
  private(set) var summary: ArtifactSummary
  /// Every event id among the lines.
  private(set) var ids: Set<String> = []
  /// How many lines repeat an earlier line's event id, and the first few such ids.
  private(set) var repeats = 0
  private(set) var repeatedIDs: [String] = []
  /// Lines whose amount would overflow a 64-bit total.
  private(set) var overflows = 0

  init(orderID: String) {
    summary = ArtifactSummary(orderID: orderID)
  }

  /// Adds one segment's lines, in order.
  mutating func add(_ events: [Event]) {
    for event in events {
      if !ids.insert(event.id).inserted {
        repeats += 1
        if repeatedIDs.count < 3 { repeatedIDs.append(event.id) }
      }
      summary.lineCount += 1
      guard let next = (summary.totals[event.currency] ?? CurrencyTotals()).adding(event.amount) else {
        overflows += 1
        continue
      }
      summary.totals[event.currency] = next
    }
  }
}

extension StoreVerifier {
  /// How a segment record disagrees with the summary's reference to it.
  static func mismatches(_ segment: LineSegment, listedAs reference: SegmentRef, order: String) -> [String] {
    var out: [String] = []
    if segment.orderID != order {
      out.append("the line segment belongs to order \"\(segment.orderID)\", not \"\(order)\" whose summary lists it")
    }
    if segment.events.count != Int(reference.lineCount) {
      out.append(
        "the line segment holds \(plural(segment.events.count, "line")), the summary lists \(reference.lineCount)")
    }
    return out
  }

  /// How a summary of the entry's order disagrees with the entry's version and with its lines.
  static func mismatches(_ stored: StoredSummary, entry: IndexEntry, lines: LineTally) -> [String] {
    let summary = stored.summary
    var out: [String] = []
    if summary.version != entry.version {
      out.append("the summary is version \(summary.version), the key index says \(entry.version)")
    }
    if lines.repeats > 0 {
      let ids = lines.repeatedIDs.map { "\"\($0)\"" }.joined(separator: ", ")
      out.append(
        "\(lines.repeats) line\(lines.repeats == 1 ? " repeats" : "s repeat") an earlier line's event id (\(ids)): doubled"
      )
    }
    if lines.overflows > 0 {
      out.append("\(plural(lines.overflows, "line")) would overflow a 64-bit total")
    }
    if summary.lineCount != lines.summary.lineCount {
      out.append(
        "the summary counts \(plural(summary.lineCount, "line")), its segments hold \(lines.summary.lineCount)")
    }
    if let difference = totalsDifference(summary, lines.summary) { out.append(difference) }
    if case .inline(let recorded) = stored.ids, recorded.asSet != lines.ids {
      out.append(idSetDifference(recorded: recorded.asSet, lines: lines.ids))
    }
    return out
  }

  /// How the summary's inline id set differs from the ids of its lines.
  private static func idSetDifference(recorded: Set<String>, lines: Set<String>) -> String {
    let lost = lines.subtracting(recorded).count
    let extra = recorded.subtracting(lines).count
    var parts: [String] = []
    if lost > 0 {
      parts.append("lacks \(plural(lost, "event id")) of its lines (a re-sent event would be applied twice)")
    }
    if extra > 0 { parts.append("holds \(plural(extra, "event id")) no line has (such an event would be dropped)") }
    return "the summary's event-id set " + parts.joined(separator: " and ")
  }

  /// `1 line`, `2 lines`.
  static func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
  }

  /// The first currency whose totals differ between the summary and its lines, described.
  private static func totalsDifference(_ summary: ArtifactSummary, _ lines: ArtifactSummary) -> String? {
    let currencies = Set(summary.totals.keys).union(lines.totals.keys).sorted()
    guard let currency = currencies.first(where: { summary.totals[$0] != lines.totals[$0] }) else { return nil }
    func text(_ totals: CurrencyTotals?) -> String {
      guard let totals else { return "none" }
      return "balance \(currency.format(totals.balance)), debits \(currency.format(totals.debits)), "
        + "credits \(currency.format(totals.credits))"
    }
    return
      "the summary's \(currency.code) totals (\(text(summary.totals[currency]))) are not the sum of its lines (\(text(lines.totals[currency])))"
  }
}
