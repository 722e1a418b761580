/// The fields of SPEC §2 that the decoders know by name, in the order their rules are checked.
enum KnownField: Int, CaseIterable {
  case id, orderID, kind, amount, currency, ts, entity, memo, reason, author

  /// The name in JSON objects and CSV headers.
  var name: String {
    switch self {
    case .id: "id"
    case .orderID: "order_id"
    case .kind: "kind"
    case .amount: "amount"
    case .currency: "currency"
    case .ts: "ts"
    case .entity: "entity"
    case .memo: "memo"
    case .reason: "reason"
    case .author: "author"
    }
  }

  /// The known field named by the (decoded) bytes `name`, or `nil` for an extra field.
  static func named(_ name: UnsafeBufferPointer<UInt8>) -> KnownField? {
    switch name.count {
    case 2: return matches(name, "id") ? .id : matches(name, "ts") ? .ts : nil
    case 4: return matches(name, "kind") ? .kind : matches(name, "memo") ? .memo : nil
    case 6:
      if matches(name, "amount") { return .amount }
      if matches(name, "entity") { return .entity }
      if matches(name, "reason") { return .reason }
      return matches(name, "author") ? .author : nil
    case 8: return matches(name, "order_id") ? .orderID : matches(name, "currency") ? .currency : nil
    default: return nil
    }
  }

  /// Whether `bytes` equals the ASCII `literal` (same length assumed by the caller's switch).
  @inline(__always)
  static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
    guard bytes.count == literal.utf8CodeUnitCount else { return false }
    let start = literal.utf8Start
    for index in 0..<bytes.count where bytes[index] != start[index] { return false }
    return true
  }
}
