import LedgerDomain

/// A validated correction line, ready to be submitted as a one-line batch (source `corrections`).
public struct CorrectionDraft: Sendable, Equatable {
  /// The artifact key.
  public var orderID: String
  /// Signed amount in minor units of `currency`.
  public var amount: Int64
  /// The amount as the user typed it (exact decimal text).
  public var amountText: String
  /// The currency.
  public var currency: Currency
  /// Why the correction is made.
  public var reason: String
  /// Who typed it (the OS user is recorded separately in the audit log).
  public var author: String

  /// Creates a draft; use ``CorrectionForm/validate()`` to build one from user text.
  public init(
    orderID: String, amount: Int64, amountText: String, currency: Currency, reason: String,
    author: String
  ) {
    self.orderID = orderID
    self.amount = amount
    self.amountText = amountText
    self.currency = currency
    self.reason = reason
    self.author = author
  }
}
