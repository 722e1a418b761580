/// A field's accepted text: bytes of the decoded line (or of the decoder's scratch, escapes
/// decoded), or a value the decoder supplied for an absent field.
public enum CheckedText {
  case bytes(UnsafeBufferPointer<UInt8>)
  case string(String)

  /// The text as a `String`.
  public var string: String {
    switch self {
    case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
    case .string(let string): string
    }
  }

  /// Calls `body` with the text's UTF-8 bytes.
  public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    switch self {
    case .bytes(let bytes): return try body(bytes)
    case .string(var string): return try string.withUTF8(body)
    }
  }
}

/// An accepted line's fields once every rule of SPEC §2 holds, before any ``Event`` is built:
/// its texts are still bytes of the line, valid only during the call that hands them over
/// (``JSONLinesBatchDecoder/decodeChecked(_:range:firstLine:accepted:rejected:)``). Reduce encodes
/// these straight into its buffers; ``event(origin:)`` builds the ``Event``.
public struct CheckedEvent {
  public var id: CheckedText
  public var orderID: UnsafeBufferPointer<UInt8>
  public var kind: EventKind
  public var amount: Int64
  public var currency: Currency
  public var ts: CheckedText
  public var entity: UnsafeBufferPointer<UInt8>?
  public var memo: UnsafeBufferPointer<UInt8>?
  public var reason: UnsafeBufferPointer<UInt8>?
  public var author: UnsafeBufferPointer<UInt8>?
  /// Unknown fields in order (rare: built only when the line has some).
  public var extras: [ExtraField] = []

  /// The event, its texts copied into strings.
  public func event(origin: EventOrigin) -> Event {
    let text = { (bytes: UnsafeBufferPointer<UInt8>?) in bytes.map { String(decoding: $0, as: UTF8.self) } }
    return Event(
      id: id.string, orderID: String(decoding: orderID, as: UTF8.self), kind: kind, amount: amount,
      currency: currency, ts: ts.string, entity: text(entity), memo: text(memo), reason: text(reason),
      author: text(author), extras: extras, origin: origin)
  }
}
