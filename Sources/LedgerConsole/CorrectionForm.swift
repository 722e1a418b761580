import LedgerDomain

/// The correction form's text fields, focus and inline errors, validated exactly as ingest
/// validates a `correction` line (same rules, same messages as ``RejectReason``).
public struct CorrectionForm: Sendable, Equatable {
  /// One field of the form, in tab order.
  public enum Field: Int, Sendable, CaseIterable, Hashable {
    case orderID, amount, currency, reason, author

    /// The label shown before the field.
    public var label: String {
      switch self {
      case .orderID: "order id"
      case .amount: "amount"
      case .currency: "currency"
      case .reason: "reason"
      case .author: "author"
      }
    }
  }

  /// The longest order id ingest accepts, in UTF-8 bytes.
  public static let maxOrderIDBytes = 128

  /// Field texts, indexed by `Field.rawValue`.
  public private(set) var values: [String]
  /// The focused field.
  public var focus: Field
  /// Inline errors from the last validation.
  public var errors: [Field: String]
  /// The cursor in the focused field, in characters (at the end when a field gains focus).
  public var cursor: Int = 0

  /// An empty form with `orderID` prefilled.
  public init(orderID: String = "", currency: String = "") {
    values = Array(repeating: "", count: Field.allCases.count)
    focus = orderID.isEmpty ? .orderID : .amount
    errors = [:]
    values[Field.orderID.rawValue] = orderID
    values[Field.currency.rawValue] = currency
    initialValues = values
    cursor = values[focus.rawValue].count
  }

  /// The texts the form opened with (the prefilled order id and currency).
  private var initialValues: [String] = []

  /// Whether something was typed that leaving would lose: a field differs from what the form
  /// opened with.
  public var hasTypedValues: Bool { values != initialValues }

  /// Focuses `field` with the cursor at its end.
  public mutating func focus(_ field: Field) {
    focus = field
    cursor = self[field].count
  }

  /// Applies an editing key to the focused field; false when `key` does not edit text.
  /// Left/Right, Home/End and Ctrl-A/E move; Backspace, Ctrl-U (to the start), Ctrl-K (to the
  /// end) and Ctrl-W (the word before) delete; characters insert at the cursor.
  public mutating func edit(_ key: ConsoleKey) -> Bool {
    var text = Array(self[focus])
    cursor = min(max(0, cursor), text.count)
    switch key {
    case .character(let character):
      text.insert(character, at: cursor)
      cursor += 1
    case .backspace:
      guard cursor > 0 else { return true }
      text.remove(at: cursor - 1)
      cursor -= 1
    case .left: cursor = max(0, cursor - 1)
    case .right: cursor = min(text.count, cursor + 1)
    case .home, .control("a"): cursor = 0
    case .end, .control("e"): cursor = text.count
    case .control("u"):
      text.removeSubrange(0..<cursor)
      cursor = 0
    case .control("k"): text.removeSubrange(cursor..<text.count)
    case .control("w"):
      var start = cursor
      while start > 0 && text[start - 1] == " " { start -= 1 }
      while start > 0 && text[start - 1] != " " { start -= 1 }
      text.removeSubrange(start..<cursor)
      cursor = start
    default:
      return false
    }
    values[focus.rawValue] = String(text)
    return true
  }

  /// The text of `field`.
  public subscript(field: Field) -> String {
    get { values[field.rawValue] }
    set {
      values[field.rawValue] = newValue
      if field == focus { cursor = newValue.count }  // a value set whole: the cursor at its end
    }
  }

  /// Validates every field; returns the draft or the error of each invalid field.
  public func validate() -> Result<CorrectionDraft, CorrectionFormErrors> {
    var errors: [Field: String] = [:]
    let orderID = self[.orderID]
    if orderID.isEmpty {
      errors[.orderID] = RejectReason.emptyField("order_id").description
    } else if orderID.utf8.count > Self.maxOrderIDBytes {
      errors[.orderID] =
        RejectReason.fieldTooLong(
          field: "order_id", bytes: orderID.utf8.count, limit: Self.maxOrderIDBytes
        ).description
    }
    let currency = validateCurrency(into: &errors)
    let amount = validateAmount(currency: currency, into: &errors)
    for field in [Field.reason, .author] where self[field].isEmpty {
      errors[field] = RejectReason.emptyField(field.label).description
    }
    guard errors.isEmpty, let currency, let amount else {
      return .failure(CorrectionFormErrors(byField: errors))
    }
    return .success(
      CorrectionDraft(
        orderID: orderID, amount: amount, amountText: self[.amount], currency: currency,
        reason: self[.reason], author: self[.author]))
  }

  private func validateCurrency(into errors: inout [Field: String]) -> Currency? {
    let code = self[.currency]
    if code.isEmpty {
      errors[.currency] = RejectReason.emptyField("currency").description
      return nil
    }
    guard let currency = Currency(isoCode: code) else {
      errors[.currency] = RejectReason.unknownCurrency(code).description
      return nil
    }
    return currency
  }

  private func validateAmount(currency: Currency?, into errors: inout [Field: String]) -> Int64? {
    let text = self[.amount]
    if text.isEmpty {
      errors[.amount] = RejectReason.emptyField("amount").description
      return nil
    }
    // Without a valid currency only the shape of the amount can be checked.
    let digits = currency?.minorUnits ?? 4
    switch DecimalAmount.parse(text, minorUnits: digits) {
    case .success(let value):
      return currency == nil ? nil : value
    case .failure(.malformed):
      errors[.amount] = RejectReason.malformedAmount(text).description
    case .failure(.tooManyDigits(let allowed)):
      if let currency {
        errors[.amount] =
          RejectReason.tooManyAmountDigits(amount: text, currency: currency.code, allowed: allowed)
          .description
      }
    case .failure(.outOfRange):
      if currency != nil { errors[.amount] = RejectReason.amountOutOfRange(text).description }
    }
    return nil
  }
}

/// The inline errors of an invalid correction form, by field.
public struct CorrectionFormErrors: Error, Sendable, Equatable, CustomStringConvertible {
  /// The message for each invalid field.
  public var byField: [CorrectionForm.Field: String]

  /// Every message, in field order, prefixed with the field label.
  public var description: String {
    CorrectionForm.Field.allCases.compactMap { field in
      byField[field].map { "\(field.label): \($0)" }
    }.joined(separator: "; ")
  }
}
