/// The field rules of SPEC §2, shared by the JSON Lines and CSV decoders. Fields are checked in
/// the order id, order_id, kind, amount (its syntax), currency, amount (its digits and range,
/// which need the currency), ts, entity, memo, reason, author; the first broken rule wins.
enum EventFieldRules {
  /// `id` and `order_id` hold at most this many UTF-8 bytes.
  static let identifierLimit = 128

  /// The event the values describe, or the first rule they break.
  static func event(
    _ values: FieldTable<FieldValue>, defaults: EventDefaults, origin: EventOrigin
  ) -> Result<Event, RejectReason> {
    do {
      return .success(try checked(values, defaults).event(origin: origin))
    } catch {
      return .failure(error.reason)
    }
  }

  /// The values once every rule holds, texts still as the decoder's bytes.
  static func checked(
    _ values: FieldTable<FieldValue>, _ defaults: EventDefaults
  ) throws(FieldRejection) -> CheckedEvent {
    let id = try identifier(values[.id], .id, default: defaults.id)
    guard case .bytes(let orderID) = try identifier(values[.orderID], .orderID, default: nil) else {
      preconditionFailure("order_id has no default")
    }
    let kind = try kind(values[.kind], default: defaults.kind)
    let amountText = try amountText(values[.amount])
    let currency = try currency(values[.currency], default: defaults.currency)
    let amount = try amount(amountText, currency)
    let ts = try timestamp(values[.ts], default: defaults.ts)
    let entity = try optionalText(values[.entity], .entity)
    let memo = try optionalText(values[.memo], .memo)
    let isCorrection = kind == .correction
    let reason = try correctionText(values[.reason], .reason, required: isCorrection)
    let author = try correctionText(values[.author], .author, required: isCorrection)
    return CheckedEvent(
      id: id, orderID: orderID, kind: kind, amount: amount, currency: currency, ts: ts, entity: entity, memo: memo,
      reason: reason, author: author)
  }

  // MARK: - Types

  /// The text of a required string field; `nil` when absent (the caller applies a default).
  private static func requiredText(
    _ value: FieldValue, _ field: KnownField
  ) throws(FieldRejection) -> UnsafeBufferPointer<UInt8>? {
    switch value {
    case .absent: return nil
    case .text(let text): return text
    case .null, .number, .other:
      throw FieldRejection(.wrongType(field: field.name, expected: "a string"))
    }
  }

  /// An optional string field: absent or JSON null is `nil`.
  private static func optionalText(
    _ value: FieldValue, _ field: KnownField
  ) throws(FieldRejection) -> UnsafeBufferPointer<UInt8>? {
    switch value {
    case .absent, .null: return nil
    case .text(let text): return text
    case .number, .other:
      throw FieldRejection(.wrongType(field: field.name, expected: "a string or null"))
    }
  }

  // MARK: - Fields

  private static func identifier(
    _ value: FieldValue, _ field: KnownField, default fallback: String?
  ) throws(FieldRejection) -> CheckedText {
    guard let text = try requiredText(value, field) else {
      guard let fallback else { throw FieldRejection(.missingField(field.name)) }
      return .string(fallback)
    }
    guard !text.isEmpty else { throw FieldRejection(.emptyField(field.name)) }
    guard text.count <= identifierLimit else {
      throw FieldRejection(
        .fieldTooLong(field: field.name, bytes: text.count, limit: identifierLimit))
    }
    return .bytes(text)
  }

  private static func kind(
    _ value: FieldValue, default fallback: EventKind?
  ) throws(FieldRejection) -> EventKind {
    guard let text = try requiredText(value, .kind) else {
      guard let fallback else { throw FieldRejection(.missingField(KnownField.kind.name)) }
      return fallback
    }
    guard let kind = kindNamed(text) else { throw FieldRejection(.unknownKind(RejectExcerpt.value(text))) }
    return kind
  }

  /// The amount's text once its type and syntax `-?[0-9]+(\.[0-9]+)?` are right.
  private static func amountText(
    _ value: FieldValue
  ) throws(FieldRejection) -> UnsafeBufferPointer<UInt8> {
    let text: UnsafeBufferPointer<UInt8>
    switch value {
    case .absent: throw FieldRejection(.missingField(KnownField.amount.name))
    case .text(let bytes), .number(let bytes): text = bytes
    case .null, .other:
      throw FieldRejection(.wrongType(field: "amount", expected: "a string or a number"))
    }
    // With 0 minor units `parse` still reports `.malformed` first when the syntax is wrong.
    if case .failure(.malformed) = DecimalAmount.parse(text, minorUnits: 0) {
      throw FieldRejection(.malformedAmount(RejectExcerpt.value(text)))
    }
    return text
  }

  private static func currency(
    _ value: FieldValue, default fallback: Currency?
  ) throws(FieldRejection) -> Currency {
    guard let text = try requiredText(value, .currency) else {
      guard let fallback else { throw FieldRejection(.missingField(KnownField.currency.name)) }
      return fallback
    }
    guard let currency = CurrencyCodes.currency(text) else {
      throw FieldRejection(.unknownCurrency(RejectExcerpt.value(text)))
    }
    return currency
  }

  private static func amount(
    _ text: UnsafeBufferPointer<UInt8>, _ currency: Currency
  ) throws(FieldRejection) -> Int64 {
    switch DecimalAmount.parse(text, minorUnits: currency.minorUnits) {
    case .success(let minorUnits):
      return minorUnits
    case .failure(.tooManyDigits(let allowed)):
      throw FieldRejection(
        .tooManyAmountDigits(
          amount: RejectExcerpt.value(text), currency: currency.code, allowed: allowed))
    case .failure(.outOfRange):
      throw FieldRejection(.amountOutOfRange(RejectExcerpt.value(text)))
    case .failure(.malformed):
      throw FieldRejection(.malformedAmount(RejectExcerpt.value(text)))
    }
  }

  private static func timestamp(
    _ value: FieldValue, default fallback: String?
  ) throws(FieldRejection) -> CheckedText {
    guard let text = try requiredText(value, .ts) else {
      guard let fallback else { throw FieldRejection(.missingField(KnownField.ts.name)) }
      return .string(fallback)
    }
    guard Timestamp.isValidRFC3339(text) else {
      throw FieldRejection(.invalidTimestamp(RejectExcerpt.value(text)))
    }
    return .bytes(text)
  }

  /// `reason` / `author`: optional strings, required and non-empty on a correction.
  private static func correctionText(
    _ value: FieldValue, _ field: KnownField, required: Bool
  ) throws(FieldRejection) -> UnsafeBufferPointer<UInt8>? {
    let text = try optionalText(value, field)
    guard required else { return text }
    guard let text else { throw FieldRejection(.missingField(field.name)) }
    guard !text.isEmpty else { throw FieldRejection(.emptyField(field.name)) }
    return text
  }

  /// The kind named exactly `text`, or `nil`.
  static func kindNamed(_ text: UnsafeBufferPointer<UInt8>) -> EventKind? {
    let named = { (literal: StaticString) in KnownField.matches(text, literal) }
    switch text.count {
    case 3: return named("fee") ? .fee : nil
    case 6: return named("charge") ? .charge : named("refund") ? .refund : named("payout") ? .payout : nil
    case 7: return named("payment") ? .payment : named("payable") ? .payable : named("royalty") ? .royalty : nil
    case 8: return named("shipment") ? .shipment : nil
    case 10:
      if named("chargeback") { return .chargeback }
      if named("remittance") { return .remittance }
      if named("adjustment") { return .adjustment }
      return named("correction") ? .correction : nil
    case 12: return named("amortization") ? .amortization : nil
    default: return nil
    }
  }
}

/// Values a decoder supplies for absent fields (CSV, SPEC §2); JSON Lines has none.
struct EventDefaults {
  var id: String?
  var kind: EventKind?
  var currency: Currency?
  var ts: String?
}

/// Unwinds ``EventFieldRules`` at the first broken rule; never escapes it.
struct FieldRejection: Error {
  let reason: RejectReason

  init(_ reason: RejectReason) {
    self.reason = reason
  }
}
