/// Decodes one JSON Lines line into an ``Event`` or the precise ``RejectReason`` (SPEC §2).
///
/// Checks run in this order and the first failure wins: line length (before any parsing),
/// UTF-8, JSON syntax (strict RFC 8259), top-level object, repeated keys (at any depth,
/// compared after decoding escapes), then the fields id, order_id, kind, amount, currency, ts,
/// entity, memo, reason, author (see `EventFieldRules`). Values stay byte ranges until the
/// event is built; no Foundation, no floating point.
public struct EventDecoder: Sendable {
  /// Longest accepted line, in bytes, without its `\n` (64 KiB).
  public static let maxLineBytes = 65_536

  /// The currency a batch's lines default to where a format allows omitting it (CSV). JSON
  /// Lines events must name their currency, so ``decodeJSONLine(_:origin:)-(UnsafeBufferPointer<UInt8>,_)``
  /// does not use it.
  public let defaultCurrency: Currency

  /// A decoder whose default currency is `defaultCurrency`.
  public init(defaultCurrency: Currency = .usd) {
    self.defaultCurrency = defaultCurrency
  }

  /// Decodes one JSON Lines line WITHOUT its `"\n"` terminator.
  public func decodeJSONLine(
    _ line: UnsafeBufferPointer<UInt8>, origin: EventOrigin
  ) -> Result<Event, RejectReason> {
    var members: [JSONScanner.Member] = []
    return decodeJSONLine(line, origin: origin, reusing: &members)
  }

  /// Decodes one line, scanning its members into `members` (emptied first, capacity kept): a
  /// batch decoder passes the same array for every line, so a line allocates no member list.
  func decodeJSONLine(
    _ line: UnsafeBufferPointer<UInt8>, origin: EventOrigin, reusing members: inout [JSONScanner.Member]
  ) -> Result<Event, RejectReason> {
    var event: Event?
    if let reason = checkJSONLine(line, reusing: &members, { event = $0.event(origin: origin) }) {
      return .failure(reason)
    }
    guard let event else { preconditionFailure("an accepted line hands its fields over") }
    return .success(event)
  }

  /// Checks one line: calls `accept` with its fields (valid only during the call) and returns
  /// nil, or returns the first rule it breaks. `members` as in `decodeJSONLine`.
  func checkJSONLine(
    _ line: UnsafeBufferPointer<UInt8>, reusing members: inout [JSONScanner.Member],
    _ accept: (CheckedEvent) -> Void
  ) -> RejectReason? {
    var keys = PlainEventLine.KeyOrder()
    return checkJSONLine(line, reusing: &members, keys: &keys, accept)
  }

  /// `checkJSONLine(_:reusing:_:)` with the key order of the batch's last line of the usual shape
  /// (`PlainEventLine.KeyOrder`), kept by the caller from line to line.
  func checkJSONLine(
    _ line: UnsafeBufferPointer<UInt8>, reusing members: inout [JSONScanner.Member],
    keys: inout PlainEventLine.KeyOrder, _ accept: (CheckedEvent) -> Void
  ) -> RejectReason? {
    guard line.count <= Self.maxLineBytes else { return .lineTooLong(bytes: line.count) }
    if let values = PlainEventLine.fields(line, order: &keys) {
      return Self.check(values, accept)
    }
    return checkInGeneral(line, reusing: &members, accept)
  }

  /// `checkJSONLine` without the one-pass reading of lines of the usual shape
  /// (``PlainEventLine``): the strict scanner, then the table of known fields. Every line may
  /// take this path; the other gives the same result on the lines it takes.
  func checkInGeneral(
    _ line: UnsafeBufferPointer<UInt8>, reusing members: inout [JSONScanner.Member],
    _ accept: (CheckedEvent) -> Void
  ) -> RejectReason? {
    guard line.count <= Self.maxLineBytes else { return .lineTooLong(bytes: line.count) }
    if let offset = UTF8Validation.firstInvalidOffset(line) {
      return .invalidUTF8(byteOffset: offset)
    }
    var scanner = JSONScanner(line)
    members.removeAll(keepingCapacity: true)
    swap(&scanner.members, &members)
    defer { swap(&scanner.members, &members) }
    switch scanner.scanObjectLine() {
    case .notJSON(let detail)?: return .notJSON(detail: detail)
    case .notAnObject?: return .notAnObject
    case .duplicateKey(let key)?: return .duplicateKey(key)
    case nil: return Self.check(line, scanner.members, accept)
    }
  }

  /// Decodes one JSON Lines line WITHOUT its `"\n"` terminator (convenience for tests and
  /// single lines such as a console correction).
  public func decodeJSONLine(_ line: [UInt8], origin: EventOrigin) -> Result<Event, RejectReason> {
    line.withUnsafeBufferPointer { decodeJSONLine($0, origin: origin) }
  }

  // MARK: - From members to an event

  private static func check(
    _ line: UnsafeBufferPointer<UInt8>, _ members: [JSONScanner.Member], _ accept: (CheckedEvent) -> Void
  ) -> RejectReason? {
    var locations = FieldTable<FieldLocation>(repeating: .absent)
    var scratch: [UInt8] = []
    var hasExtras = false
    for member in members {
      guard let field = knownField(line, member) else {
        hasExtras = true
        continue
      }
      locations[field] = location(line, member, scratch: &scratch)
    }
    return scratch.withUnsafeBufferPointer { scratchBuffer -> RejectReason? in
      do throws(FieldRejection) {
        var checked = try EventFieldRules.checked(
          locations.values(line: line, scratch: scratchBuffer), EventDefaults())
        if hasExtras { checked.extras = extras(line, members) }
        accept(checked)
        return nil
      } catch {
        return error.reason
      }
    }
  }

  /// Applies the field rules to the values of a line of the usual shape (no extra fields).
  private static func check(_ values: FieldTable<FieldValue>, _ accept: (CheckedEvent) -> Void) -> RejectReason? {
    do throws(FieldRejection) {
      accept(try EventFieldRules.checked(values, EventDefaults()))
      return nil
    } catch {
      return error.reason
    }
  }

  private static func knownField(
    _ line: UnsafeBufferPointer<UInt8>, _ member: JSONScanner.Member
  ) -> KnownField? {
    guard member.keyEscaped else { return KnownField.named(UnsafeBufferPointer(rebasing: line[member.key])) }
    return JSONScanner.decoded(line, member.keySpan).withUnsafeBufferPointer { KnownField.named($0) }
  }

  private static func location(
    _ line: UnsafeBufferPointer<UInt8>, _ member: JSONScanner.Member, scratch: inout [UInt8]
  ) -> FieldLocation {
    switch member.kind {
    case .null: return .null
    case .bool, .object, .array: return .other
    case .number: return .number(member.value)
    case .string:
      guard member.valueEscaped else { return .text(member.stringContent, inScratch: false) }
      let start = scratch.count
      JSONScanner.decode(line, member.stringContent, into: &scratch)
      return .text(start..<scratch.count, inScratch: true)
    }
  }

  /// Unknown fields in order, each with the exact JSON text of its value.
  private static func extras(
    _ line: UnsafeBufferPointer<UInt8>, _ members: [JSONScanner.Member]
  ) -> [ExtraField] {
    var extras: [ExtraField] = []
    for member in members where knownField(line, member) == nil {
      let name = JSONScanner.decoded(line, member.keySpan)
      extras.append(
        ExtraField(
          name: String(decoding: name, as: UTF8.self),
          rawJSON: String(decoding: UnsafeBufferPointer(rebasing: line[member.value]), as: UTF8.self)))
    }
    return extras
  }
}
