/// One accepted financial event: a validated input line, amounts already in exact minor units.
public struct Event: Sendable, Equatable {
  /// Globally unique event id (idempotency key within an artifact).
  public var id: String
  /// The artifact key.
  public var orderID: String
  public var kind: EventKind
  /// Signed amount in minor units of `currency`.
  public var amount: Int64
  public var currency: Currency
  /// RFC 3339 event time, as written.
  public var ts: String
  public var entity: String?
  public var memo: String?
  public var reason: String?
  public var author: String?
  /// Unknown fields kept as written for display; they never affect a balance.
  public var extras: [ExtraField]
  public var origin: EventOrigin

  public init(
    id: String, orderID: String, kind: EventKind, amount: Int64, currency: Currency, ts: String,
    entity: String? = nil, memo: String? = nil, reason: String? = nil, author: String? = nil,
    extras: [ExtraField] = [], origin: EventOrigin
  ) {
    self.id = id
    self.orderID = orderID
    self.kind = kind
    self.amount = amount
    self.currency = currency
    self.ts = ts
    self.entity = entity
    self.memo = memo
    self.reason = reason
    self.author = author
    self.extras = extras
    self.origin = origin
  }
}

/// An unknown input field, kept verbatim: `rawJSON` is the value's JSON text (CSV cells are
/// stored as JSON strings).
public struct ExtraField: Sendable, Equatable, Hashable {
  public var name: String
  public var rawJSON: String

  public init(name: String, rawJSON: String) {
    self.name = name
    self.rawJSON = rawJSON
  }
}
