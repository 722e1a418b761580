/// One value per ``KnownField``, stored inline (no allocation per line).
struct FieldTable<Value> {
  private var values: (Value, Value, Value, Value, Value, Value, Value, Value, Value, Value)

  /// A table holding `value` for every field.
  init(repeating value: Value) {
    values = (value, value, value, value, value, value, value, value, value, value)
  }

  /// The value of `field`.
  subscript(field: KnownField) -> Value {
    get {
      switch field {
      case .id: values.0
      case .orderID: values.1
      case .kind: values.2
      case .amount: values.3
      case .currency: values.4
      case .ts: values.5
      case .entity: values.6
      case .memo: values.7
      case .reason: values.8
      case .author: values.9
      }
    }
    set {
      switch field {
      case .id: values.0 = newValue
      case .orderID: values.1 = newValue
      case .kind: values.2 = newValue
      case .amount: values.3 = newValue
      case .currency: values.4 = newValue
      case .ts: values.5 = newValue
      case .entity: values.6 = newValue
      case .memo: values.7 = newValue
      case .reason: values.8 = newValue
      case .author: values.9 = newValue
      }
    }
  }
}

/// A known field's value as a decoder found it, before the rules of SPEC §2 are applied. The
/// buffers point into the line (or a decoder's scratch space for unescaped text) and are valid
/// only during the call that receives them.
enum FieldValue {
  /// The field is not there (JSON: no such key; CSV: no such column, or an empty cell).
  case absent
  /// JSON `null`.
  case null
  /// A string's content, escapes decoded.
  case text(UnsafeBufferPointer<UInt8>)
  /// A JSON number's exact text.
  case number(UnsafeBufferPointer<UInt8>)
  /// A JSON `true`/`false`, object or array.
  case other
}

/// Where a known field's value is, as byte ranges, before any pointer is taken: in the line
/// itself, or (text that needed unescaping) in the decoder's scratch buffer.
enum FieldLocation {
  case absent, null, other
  case number(Range<Int>)
  case text(Range<Int>, inScratch: Bool)

  /// The value this location points at.
  func value(
    line: UnsafeBufferPointer<UInt8>, scratch: UnsafeBufferPointer<UInt8>
  ) -> FieldValue {
    switch self {
    case .absent: .absent
    case .null: .null
    case .other: .other
    case .number(let range): .number(UnsafeBufferPointer(rebasing: line[range]))
    case .text(let range, let inScratch):
      .text(UnsafeBufferPointer(rebasing: inScratch ? scratch[range] : line[range]))
    }
  }
}

extension FieldTable<FieldLocation> {
  /// The values at these locations.
  func values(
    line: UnsafeBufferPointer<UInt8>, scratch: UnsafeBufferPointer<UInt8>
  ) -> FieldTable<FieldValue> {
    var values = FieldTable<FieldValue>(repeating: .absent)
    for field in KnownField.allCases {
      values[field] = self[field].value(line: line, scratch: scratch)
    }
    return values
  }
}
