/// Why an input line was rejected. Each case names the rule it broke and quotes the value,
/// so an operator can fix the producer without opening the file.
public enum RejectReason: Error, Sendable, Equatable, CustomStringConvertible {
  case invalidUTF8(byteOffset: Int)
  case lineTooLong(bytes: Int)
  case notJSON(detail: String)
  case notAnObject
  case duplicateKey(String)
  case missingField(String)
  case wrongType(field: String, expected: String)
  case emptyField(String)
  case fieldTooLong(field: String, bytes: Int, limit: Int)
  case unknownKind(String)
  case malformedAmount(String)
  case tooManyAmountDigits(amount: String, currency: String, allowed: Int)
  case amountOutOfRange(String)
  case unknownCurrency(String)
  case invalidTimestamp(String)
  case csvMalformed(detail: String)
  case csvFieldCount(expected: Int, got: Int)
  case balanceOverflow(currency: String)

  /// The rule's short, stable name (for counting and filtering).
  public var rule: String {
    switch self {
    case .invalidUTF8: "invalid-utf8"
    case .lineTooLong: "line-too-long"
    case .notJSON: "not-json"
    case .notAnObject: "not-an-object"
    case .duplicateKey: "duplicate-key"
    case .missingField: "missing-field"
    case .wrongType: "wrong-type"
    case .emptyField: "empty-field"
    case .fieldTooLong: "field-too-long"
    case .unknownKind: "unknown-kind"
    case .malformedAmount: "malformed-amount"
    case .tooManyAmountDigits: "too-many-amount-digits"
    case .amountOutOfRange: "amount-out-of-range"
    case .unknownCurrency: "unknown-currency"
    case .invalidTimestamp: "invalid-timestamp"
    case .csvMalformed: "csv-malformed"
    case .csvFieldCount: "csv-field-count"
    case .balanceOverflow: "balance-overflow"
    }
  }

  public var description: String {
    switch self {
    case .invalidUTF8(let offset): "line is not valid UTF-8 (bad byte at offset \(offset))"
    case .lineTooLong(let bytes): "line is \(bytes) bytes, longer than the 65536-byte limit"
    case .notJSON(let detail): "line is not valid JSON: \(detail)"
    case .notAnObject: "line is JSON but not an object"
    case .duplicateKey(let key): "object repeats the key \"\(key)\""
    case .missingField(let field): "required field \"\(field)\" is missing"
    case .wrongType(let field, let expected): "field \"\(field)\" must be \(expected)"
    case .emptyField(let field): "field \"\(field)\" must not be empty"
    case .fieldTooLong(let field, let bytes, let limit):
      "field \"\(field)\" is \(bytes) bytes, longer than the \(limit)-byte limit"
    case .unknownKind(let kind):
      "kind \"\(kind)\" is not one of \(EventKind.allCases.map(\.rawValue).joined(separator: " "))"
    case .malformedAmount(let amount):
      "amount \"\(amount)\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol)"
    case .tooManyAmountDigits(let amount, let currency, let allowed):
      "amount \"\(amount)\" has more than the \(allowed) minor-unit digits of \(currency)"
    case .amountOutOfRange(let amount): "amount \"\(amount)\" does not fit in 64-bit minor units"
    case .unknownCurrency(let code):
      Self.codesWithoutMinorUnit.contains(code)
        ? "currency \"\(code)\" is an ISO 4217 code without a minor unit (a metal, a fund or a test code): its amounts cannot be kept exactly in minor units"
        : "currency \"\(code)\" is not an ISO 4217 alphabetic code"
    case .invalidTimestamp(let ts): "ts \"\(ts)\" is not an RFC 3339 instant"
    case .csvMalformed(let detail): "CSV record is malformed: \(detail)"
    case .csvFieldCount(let expected, let got): "CSV record has \(got) fields, header has \(expected)"
    case .balanceOverflow(let currency):
      "applying this line would overflow a 64-bit \(currency) total of its order (its balance, debits or credits)"
    }
  }

  /// The ISO 4217 codes whose minor unit is "N.A." (precious metals, bond-market units, the SDR,
  /// testing and "no currency"): valid codes, refused for another reason than unknown ones.
  static let codesWithoutMinorUnit: Set<String> = [
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
  ]
}

/// A rejected input line: where it was, why, and (a prefix of) what it said.
public struct Rejection: Error, Sendable, Equatable {
  public var origin: EventOrigin
  public var reason: RejectReason
  /// The line's text (lossily decoded, at most 512 bytes) so the reject file is self-contained.
  public var excerpt: String

  public init(origin: EventOrigin, reason: RejectReason, excerpt: String) {
    self.origin = origin
    self.reason = reason
    self.excerpt = excerpt
  }
}
