import LedgerDomain

/// The order lifecycle: what happens next to an order, and with which amount.
///
/// charge (+A) → [shipment (0)] → payment (−A, the order reconciles) → sometimes
/// refund (−R) then payout (+R), chargeback (+A) then adjustment (−A), or fee (+F) then
/// remittance (−F) → a repeat charge. Each pair nets to zero, so a settled order is reconciled
/// and an order part-way through a pair is open. Corrections write off whatever is open or
/// book a small rounding difference (then settled by an adjustment).
extension WorkloadGenerator {
  enum Phase: UInt8 {
    case untouched, charged, settled, awaitingPayout, awaitingAdjustment, awaitingRemittance
  }

  /// Per-order state, two flat arrays (9 bytes an order). `pending` is the amount owed while
  /// `charged`, the settling event's signed amount while awaiting, the last base amount once
  /// settled.
  struct OrderBook: Sendable {
    var phase: [UInt8]
    var pending: [Int64]

    init(count: Int) {
      phase = Array(repeating: Phase.untouched.rawValue, count: count)
      pending = Array(repeating: 0, count: count)
    }
  }

  /// A Zipf-popular order: rank 1 is the hottest. Ranks are scattered over order numbers by a
  /// fixed permutation so hot orders do not all have small ids: multiplying by the prime
  /// 2654435761, larger than any order count, is a bijection modulo the count.
  mutating func pickOrder() -> Int {
    let rank = UInt64(zipf.sample(using: &random) - 1)
    let count = UInt64(zipf.count)
    return Int((rank &* (2_654_435_761 % count) &+ vocabulary.seed % count) % count)
  }

  /// The next regular event: a lifecycle step of a popular order, or a correction when due.
  mutating func nextRegularEvent(source: Int, tsMillis: Int64) -> GeneratedEvent {
    let order = pickOrder()
    let currency = vocabulary.currency(ofOrder: order)
    if orders.phase[order] == Phase.untouched.rawValue { counters.distinctOrders += 1 }
    var event = makeEvent(source: source, order: order, currency: currency, tsMillis: tsMillis)
    if Counters.take(&counters.correctionCarry, rates.corrections) {
      (event.kind, event.amount, event.reason) = correctionStep(order, currency)
      event.author = random.next(below: vocabulary.authors.count)
      event.memo = -1
    } else {
      (event.kind, event.amount) = lifecycleStep(order, currency)
      event.memo = pickMemo(event.kind)
    }
    return event
  }

  /// The next line of the bulk order: royalty accruals each followed by their remittance.
  mutating func nextBulkEvent(source: Int, tsMillis: Int64) -> GeneratedEvent {
    var event = makeEvent(
      source: source, order: -1, currency: vocabulary.bulkCurrency, tsMillis: tsMillis)
    if counters.bulkWritten == 0 { counters.distinctOrders += 1 }
    if counters.bulkWritten % 2 == 0 {
      counters.bulkAmount = Int64(1 + random.next(below: 2_000))
      (event.kind, event.amount) = (.royalty, counters.bulkAmount)
    } else {
      (event.kind, event.amount) = (.remittance, -counters.bulkAmount)
    }
    counters.bulkWritten += 1
    event.memo = pickMemo(event.kind)
    return event
  }

  private mutating func makeEvent(source: Int, order: Int, currency: Int, tsMillis: Int64)
    -> GeneratedEvent
  {
    let sequence = counters.sequences[source]
    counters.sequences[source] += 1
    return GeneratedEvent(
      source: source, sequence: sequence, order: order, kind: .charge, amount: 0,
      currency: currency, tsMillis: tsMillis, memo: -1, reason: -1, author: -1,
      amountAsNumber: random.next(below: 4) == 0, hasEntity: random.next(below: 10) != 0)
  }

  private mutating func pickMemo(_ kind: EventKind) -> Int {
    let range = vocabulary.memoRanges[kind.workloadIndex]
    guard !range.isEmpty, random.next(below: 10) < 6 else { return -1 }
    return range.lowerBound + random.next(below: range.count)
  }

  private mutating func lifecycleStep(_ order: Int, _ currency: Int) -> (EventKind, Int64) {
    let pending = orders.pending[order]
    switch Phase(rawValue: orders.phase[order]) ?? .untouched {
    case .untouched:
      return charge(order, currency)
    case .charged:
      if random.next(below: 100) < 12 { return (.shipment, 0) }
      set(order, .settled, pending)
      return (.payment, -pending)
    case .settled:
      return afterSettlement(order, currency, base: pending)
    case .awaitingPayout:
      set(order, .settled, pending.magnitude)
      return (.payout, pending)
    case .awaitingAdjustment:
      set(order, .settled, pending.magnitude)
      return (.adjustment, pending)
    case .awaitingRemittance:
      set(order, .settled, pending.magnitude)
      return (.remittance, pending)
    }
  }

  private mutating func afterSettlement(_ order: Int, _ currency: Int, base: Int64)
    -> (EventKind, Int64)
  {
    let roll = random.next(below: 100)
    guard base > 0, roll < 45 else { return charge(order, currency) }
    let step = vocabulary.currencies[currency].granularity
    if roll < 25 {
      let refund = roll < 12 ? base : max(step, base * Int64(10 + roll * 3) / 100 / step * step)
      set(order, .awaitingPayout, refund)
      return (.refund, -refund)
    }
    if roll < 32 {
      set(order, .awaitingAdjustment, -base)
      return (.chargeback, base)
    }
    let fee = max(step, base * 29 / 1000 / step * step)
    set(order, .awaitingRemittance, -fee)
    return (.fee, fee)
  }

  private mutating func charge(_ order: Int, _ currency: Int) -> (EventKind, Int64) {
    let amount = vocabulary.currencies[currency].fromUSDCents(priceInCents())
    set(order, .charged, amount)
    return (.charge, amount)
  }

  /// Realistic prices: mostly under $100, a tail up to $5,000, many ending in .99.
  private mutating func priceInCents() -> Int64 {
    let roll = random.next(below: 100)
    let (low, high) =
      roll < 35
      ? (99, 2_000)
      : roll < 75
        ? (2_000, 10_000)
        : roll < 93
          ? (10_000, 50_000)
          : (50_000, 500_000)
    var cents = low + random.next(below: high - low)
    if random.next(below: 100) < 40 { cents = cents / 100 * 100 + 99 }
    return Int64(cents)
  }

  /// A correction: writes off what is open, or books a small rounding difference.
  /// Returns the kind, amount and the index of the reason.
  private mutating func correctionStep(_ order: Int, _ currency: Int) -> (EventKind, Int64, Int) {
    let pending = orders.pending[order]
    switch Phase(rawValue: orders.phase[order]) ?? .untouched {
    case .charged:
      set(order, .settled, pending)
      return (.correction, -pending, 0)
    case .awaitingPayout, .awaitingAdjustment, .awaitingRemittance:
      set(order, .settled, pending.magnitude)
      return (.correction, pending, 1)
    case .untouched, .settled:
      let step = vocabulary.currencies[currency].granularity
      let size = Int64(1 + random.next(below: 99)) * step
      let amount = random.next(below: 2) == 0 ? size : -size
      set(order, .awaitingAdjustment, -amount)
      return (.correction, amount, 2 + random.next(below: 2))
    }
  }

  private mutating func set(_ order: Int, _ phase: Phase, _ pending: Int64) {
    orders.phase[order] = phase.rawValue
    orders.pending[order] = pending
  }

  private mutating func set(_ order: Int, _ phase: Phase, _ pending: UInt64) {
    set(order, phase, Int64(pending))
  }
}
