import LedgerDomain

/// `ArtifactFold` over a stateless group as stored (`EncodedGroup`): the same rules, the same
/// outcome, without building an `Event` per line. Ids are compared by their bytes in the payload
/// (as `ExactID` compares them), amounts are added per currency, an event is decoded only when
/// the fold rejects it (its origin and excerpt go to the rejects file).
public struct EncodedFold: Sendable {
  /// What one fold produced: `ArtifactFold.Outcome` with the accepted events as their indices
  /// in the group.
  public struct Outcome: Sendable, Equatable {
    /// The new summary (version unchanged: the caller stamps it).
    public var summary: ArtifactSummary
    /// Indices (into `EncodedGroup.lines`, ascending) of the events that became lines.
    public var accepted: [Int]
    /// Events ignored because their id was already a line.
    public var duplicates: Int
    /// Events refused at apply time (a balance would overflow).
    public var rejected: [Rejection]
  }

  public init() {}

  /// Applies `group`'s events to `summary`. `isKnown` answers whether an id (its UTF-8 bytes)
  /// is already a line. Nil when the group's currency codes do not fit `EncodedGroup.CurrencyKey`
  /// (fold its decoded events with `ArtifactFold` instead).
  public func apply(
    _ group: EncodedGroup, to summary: ArtifactSummary, isKnown: (UnsafeBufferPointer<UInt8>) -> Bool
  ) throws(StorageError) -> Outcome? {
    guard group.currenciesFit else { return nil }
    var state = State(totals: [], base: summary, count: group.lines.count)
    state.run(group, isKnown)
    var next = summary
    next.lineCount += state.accepted.count
    for entry in state.totals where entry.changed {
      next.totals[Currency(code: entry.key.text, minorUnits: Int(entry.key.minorUnits))] = entry.totals
    }
    return Outcome(
      summary: next, accepted: state.accepted, duplicates: state.duplicates,
      rejected: try Self.rejections(group, state.rejected))
  }

  /// The totals of one currency as a fold runs.
  public struct RunningTotals: Sendable, Equatable {
    public var key: EncodedGroup.CurrencyKey
    public var totals: CurrencyTotals
    /// Whether an accepted event changed them.
    public var changed: Bool

    public init(key: EncodedGroup.CurrencyKey, totals: CurrencyTotals, changed: Bool = false) {
      self.key = key
      self.totals = totals
      self.changed = changed
    }
  }

  /// What a fold over running totals did, by index into the group's lines (ascending).
  public struct Steps: Sendable, Equatable {
    /// The events that became lines.
    public var accepted: [Int]
    /// How many events were ignored because their id was already a line.
    public var duplicates: Int
    /// The events refused because a balance would overflow.
    public var rejected: [Int]
  }

  /// The same fold as `apply(_:to:isKnown:)` over `totals`, which hold the base's totals of
  /// every currency it has; a currency first seen here is appended, starting at zero. Nil when
  /// the group's currency codes do not fit `EncodedGroup.CurrencyKey`.
  public func fold(
    _ group: EncodedGroup, totals: inout [RunningTotals], isKnown: (UnsafeBufferPointer<UInt8>) -> Bool
  ) -> Steps? {
    guard group.currenciesFit else { return nil }
    var state = State(totals: totals, base: nil, count: group.lines.count)
    state.run(group, isKnown)
    totals = state.totals
    return Steps(accepted: state.accepted, duplicates: state.duplicates, rejected: state.rejected)
  }

  /// The rejections (origin, reason, excerpt) of the events at `indices`, refused because a
  /// balance would overflow.
  public static func rejections(_ group: EncodedGroup, _ indices: [Int]) throws(StorageError) -> [Rejection] {
    var rejected: [Rejection] = []
    for index in indices {
      let event = try group.event(at: index)
      rejected.append(
        Rejection(
          origin: event.origin, reason: .balanceOverflow(currency: event.currency.code),
          excerpt: "id=\(event.id) amount=\(event.currency.format(event.amount))"))
    }
    return rejected
  }

  /// The fold's running state: totals of the currencies seen, accepted indices, and a table of
  /// accepted ids for a group too long to search linearly.
  private struct State {
    /// The base summary whose totals a currency starts from, or nil when `totals` already
    /// holds every currency the base has.
    let base: ArtifactSummary?
    var totals: [RunningTotals]
    var accepted: [Int] = []
    var rejected: [Int] = []
    var duplicates = 0
    /// The index in `totals` of the currency used last.
    var lastTotals = 0
    /// Open addressing over accepted indices (index + 1; 0 is empty), used above `linearLimit`.
    var table: [Int32]
    let mask: Int

    static let linearLimit = 8

    init(totals: [RunningTotals], base: ArtifactSummary?, count: Int) {
      self.totals = totals
      self.base = base
      accepted.reserveCapacity(count)
      if count > Self.linearLimit {
        var capacity = 16
        while capacity < 2 * count { capacity *= 2 }
        table = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
      } else {
        table = []
        mask = 0
      }
    }

    mutating func run(_ group: EncodedGroup, _ isKnown: (UnsafeBufferPointer<UInt8>) -> Bool) {
      group.payload.withUnsafeBufferPointer { payload in
        for index in group.lines.indices {
          step(index, group.lines, payload, isKnown)
        }
      }
    }

    mutating func step(
      _ index: Int, _ lines: [EncodedGroup.Line], _ payload: UnsafeBufferPointer<UInt8>,
      _ isKnown: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
      let line = lines[index]
      let id = UnsafeBufferPointer(rebasing: payload[line.idStart..<line.idStart + line.idLength])
      let slot = table.isEmpty ? nil : findSlot(id, lines, payload)
      let repeated = slot.map { table[$0] != 0 } ?? acceptedContains(id, lines, payload)
      if repeated || isKnown(id) {
        duplicates += 1
        return
      }
      let t = totalsIndex(line.currency)
      guard let updated = totals[t].totals.adding(line.amount) else {
        rejected.append(index)
        return
      }
      totals[t].totals = updated
      totals[t].changed = true
      accepted.append(index)
      if let slot { table[slot] = Int32(index + 1) }
    }

    /// The slot holding an accepted id equal to `id`, or the empty slot where it would go.
    private func findSlot(
      _ id: UnsafeBufferPointer<UInt8>, _ lines: [EncodedGroup.Line], _ payload: UnsafeBufferPointer<UInt8>
    ) -> Int {
      var hasher = Hasher()
      hasher.combine(bytes: UnsafeRawBufferPointer(id))
      var slot = hasher.finalize() & mask
      while table[slot] != 0 {
        let other = lines[Int(table[slot]) - 1]
        if Self.same(id, UnsafeBufferPointer(rebasing: payload[other.idStart..<other.idStart + other.idLength])) {
          return slot
        }
        slot = (slot + 1) & mask
      }
      return slot
    }

    private func acceptedContains(
      _ id: UnsafeBufferPointer<UInt8>, _ lines: [EncodedGroup.Line], _ payload: UnsafeBufferPointer<UInt8>
    ) -> Bool {
      for index in accepted {
        let other = lines[index]
        if Self.same(id, UnsafeBufferPointer(rebasing: payload[other.idStart..<other.idStart + other.idLength])) {
          return true
        }
      }
      return false
    }

    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
      a.count == b.count && KeyOrder.compare(a, b) == 0
    }

    /// The index of `key`'s running totals, starting from the base summary's.
    private mutating func totalsIndex(_ key: EncodedGroup.CurrencyKey) -> Int {
      // Events of one order mostly share a currency: the last one used is tried first.
      if lastTotals < totals.count, totals[lastTotals].key == key { return lastTotals }
      for index in totals.indices where totals[index].key == key {
        lastTotals = index
        return index
      }
      let start =
        base.map { $0.totals[Currency(code: key.text, minorUnits: Int(key.minorUnits))] ?? CurrencyTotals() }
        ?? CurrencyTotals()
      totals.append(RunningTotals(key: key, totals: start))
      lastTotals = totals.count - 1
      return lastTotals
    }
  }
}

extension EncodedGroup.CurrencyKey {
  /// The code as text (ASCII by construction).
  var text: String {
    String(unsafeUninitializedCapacity: Int(length)) { buffer in
      for i in 0..<Int(length) { buffer[i] = UInt8(truncatingIfNeeded: code >> (8 * UInt64(i))) }
      return Int(length)
    }
  }
}
