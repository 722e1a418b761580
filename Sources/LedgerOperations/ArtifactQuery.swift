import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

/// One current artifact as read commands and the console show it.
public struct ArtifactView: Sendable {
  public var stored: StoredSummary
  public var entry: IndexEntry
  /// Every line, in arrival order (empty when not requested).
  public var lines: [Event]

  public var summary: ArtifactSummary { stored.summary }
}

/// Read-side access to indexed artifacts (lookup, export).
public struct ArtifactQuery: Sendable {
  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  /// The current artifact of `orderID`, or nil when the order has none.
  public func lookup(_ orderID: String, withLines: Bool = true) throws -> ArtifactView? {
    guard let entry = try context.keyIndex.entry(for: orderID) else { return nil }
    do {
      return try view(entry, withLines: withLines)
    } catch {
      // A compaction may have moved the artifact between the index read and the file read:
      // read the index again and retry once if the location changed.
      guard let again = try context.keyIndex.entry(for: orderID), again != entry else { throw error }
      return try view(again, withLines: withLines)
    }
  }

  /// Calls `body` for every current artifact, in order id order.
  public func forEach(withLines: Bool, _ body: (ArtifactView) throws -> Void) throws {
    try context.keyIndex.forEachEntry { entry in
      try body(try view(entry, withLines: withLines))
    }
  }

  private func view(_ entry: IndexEntry, withLines: Bool) throws -> ArtifactView {
    let stored = try ArtifactStore.summary(at: entry.location, context)
    let lines = withLines ? try ArtifactStore.lines(of: stored, context) : []
    return ArtifactView(stored: stored, entry: entry, lines: lines)
  }
}

/// JSON and text renderings of artifacts, with the field names of SPEC §3.
public enum ArtifactRendering {
  /// The artifact as one line of JSON (`lines` only when the view holds them and `withLines`).
  /// Throws ``JSONValueError`` for a stored extra field that is not valid JSON.
  public static func json(_ view: ArtifactView, withLines: Bool) throws -> String {
    try JSONOutput.line(ArtifactJSON(view, withLines: withLines))
  }

  /// A human-readable rendering for the terminal. Each stored value (order id, event id, time,
  /// origin, reason, author) is shown through ``TerminalText/escaped(_:)``, so control characters
  /// and bidirectional overrides in input data print as visible escapes (`\u{1B}`); the report's
  /// own line breaks are its only ones.
  public static func text(_ view: ArtifactView) -> String {
    let s = view.summary
    let t = TerminalText.escaped
    var out =
      "order \(t(s.orderID))  status \(s.status.rawValue)  version \(view.entry.version)  lines \(s.lineCount)\n"
    out +=
      "location parts/\(t(view.entry.location.part)) offset \(view.entry.location.offset) length \(view.entry.location.length)\n"
    for c in s.currencies {
      let totals = s.totals[c] ?? CurrencyTotals()
      out +=
        "  \(c.code)  balance \(c.format(totals.balance))  debits \(c.format(totals.debits))  credits \(c.format(totals.credits))\n"
    }
    for e in view.lines {
      var row =
        "  \(t(e.id))  \(e.kind.rawValue)  \(e.currency.format(e.amount)) \(e.currency.code)  \(t(e.ts))  \(t(e.origin.description))"
      if e.kind == .correction { row += "  reason: \(t(e.reason ?? ""))  author: \(t(e.author ?? ""))" }
      out += row + "\n"
    }
    return out
  }
}
