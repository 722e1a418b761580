/// Per-currency totals of an artifact: `balance = debits + credits`, `credits <= 0`.
public struct CurrencyTotals: Sendable, Equatable, Hashable {
  public var balance: Int64
  public var debits: Int64
  public var credits: Int64

  public init(balance: Int64 = 0, debits: Int64 = 0, credits: Int64 = 0) {
    self.balance = balance
    self.debits = debits
    self.credits = credits
  }

  /// These totals with `amount` added, or `nil` when any total would overflow 64 bits.
  public func adding(_ amount: Int64) -> CurrencyTotals? {
    let (balance, o1) = self.balance.addingReportingOverflow(amount)
    guard !o1 else { return nil }
    var next = CurrencyTotals(balance: balance, debits: debits, credits: credits)
    if amount > 0 {
      let (d, o2) = debits.addingReportingOverflow(amount)
      guard !o2 else { return nil }
      next.debits = d
    } else if amount < 0 {
      let (c, o3) = credits.addingReportingOverflow(amount)
      guard !o3 else { return nil }
      next.credits = c
    }
    return next
  }
}

/// `reconciled` when every balance is zero, otherwise `open` (SPEC §3).
public enum ArtifactStatus: String, Sendable, Equatable {
  case open, reconciled
}

/// The small, always-rewritten part of an artifact: totals, counts and version. Lines live in
/// append-only segments elsewhere so a batch that adds 10 lines to a huge order writes 10 lines.
public struct ArtifactSummary: Sendable, Equatable {
  public var orderID: String
  /// The stateful batch that last wrote this artifact (0 = never written).
  public var version: UInt64
  /// Number of accepted lines.
  public var lineCount: Int
  /// Totals per currency; a currency that appeared keeps its entry even at zero.
  public var totals: [Currency: CurrencyTotals]

  public init(
    orderID: String, version: UInt64 = 0, lineCount: Int = 0, totals: [Currency: CurrencyTotals] = [:]
  ) {
    self.orderID = orderID
    self.version = version
    self.lineCount = lineCount
    self.totals = totals
  }

  /// `reconciled` when every balance is zero (an artifact with no lines is reconciled).
  public var status: ArtifactStatus {
    totals.values.allSatisfy { $0.balance == 0 } ? .reconciled : .open
  }

  /// Currencies in code order, for stable output.
  public var currencies: [Currency] { totals.keys.sorted() }
}
