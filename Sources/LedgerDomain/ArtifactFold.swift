/// The business rules of SPEC §3 as a pure fold: apply events, in arrival order, to an artifact.
///
/// Idempotency: an event whose id is already a line of the artifact (`isKnown`) or appeared
/// earlier in the same fold is a duplicate and is ignored; the first copy wins.
public struct ArtifactFold: Sendable {
  /// What one fold produced.
  public struct Outcome: Sendable, Equatable {
    /// The new summary (version unchanged: the caller stamps it).
    public var summary: ArtifactSummary
    /// The events that became lines, in order.
    public var accepted: [Event]
    /// Events ignored because their id was already a line.
    public var duplicates: Int
    /// Events refused at apply time (a balance would overflow).
    public var rejected: [Rejection]
  }

  public init() {}

  /// Applies `events` to `summary`. `isKnown` answers whether an id is already a line.
  public func apply(
    _ events: [Event], to summary: ArtifactSummary, isKnown: (String) -> Bool
  ) -> Outcome {
    var next = summary
    var accepted: [Event] = []
    accepted.reserveCapacity(events.count)
    // Ids accepted in this fold: a short group is searched in `accepted` (no hashing).
    let hashed = events.count > 8
    var seenHere: Set<ExactID> = []
    var duplicates = 0
    var rejected: [Rejection] = []
    for event in events {
      let repeated =
        hashed
        ? seenHere.contains(ExactID(event.id)) : accepted.contains { $0.id.utf8.elementsEqual(event.id.utf8) }
      if repeated || isKnown(event.id) {
        duplicates += 1
        continue
      }
      let current = next.totals[event.currency] ?? CurrencyTotals()
      guard let updated = current.adding(event.amount) else {
        rejected.append(
          Rejection(
            origin: event.origin, reason: .balanceOverflow(currency: event.currency.code),
            excerpt: "id=\(event.id) amount=\(event.currency.format(event.amount))"))
        continue
      }
      next.totals[event.currency] = updated
      next.lineCount += 1
      if hashed { seenHere.insert(ExactID(event.id)) }
      accepted.append(event)
    }
    return Outcome(summary: next, accepted: accepted, duplicates: duplicates, rejected: rejected)
  }
}
