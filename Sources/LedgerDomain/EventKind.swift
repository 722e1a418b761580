/// The kinds of financial event an input line may carry (SPEC §2).
public enum EventKind: String, CaseIterable, Sendable, Hashable {
  case charge, payment, refund, chargeback, fee, payable, payout, royalty, amortization
  case remittance, shipment, adjustment, correction
}
