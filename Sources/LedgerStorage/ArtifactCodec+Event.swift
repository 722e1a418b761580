import LedgerDomain

extension ArtifactCodec {
  /// The bits of an event's flags byte.
  enum EventFlag {
    static let entity: UInt8 = 1
    static let memo: UInt8 = 2
    static let reason: UInt8 = 4
    static let author: UInt8 = 8
    static let extras: UInt8 = 16
    static let ownOrderID: UInt8 = 32
    static let all: UInt8 = 63
  }

  /// Writes `event`. Inside a container whose key is `containerOrderID`, an event of that order
  /// omits its order id (it is restored on read); any other event carries its own.
  public static func write(_ event: Event, to writer: inout ByteWriter, containerOrderID: String?) {
    let flags = eventFlags(
      entity: event.entity != nil, memo: event.memo != nil, reason: event.reason != nil,
      author: event.author != nil, extras: !event.extras.isEmpty, ownOrderID: event.orderID != containerOrderID)
    writer.writeUInt8(flags)
    writer.writeString(event.id)
    if flags & EventFlag.ownOrderID != 0 { writer.writeString(event.orderID) }
    writer.writeUInt8(kindCode(event.kind))
    writer.writeVarInt(event.amount)
    writer.writeString(event.currency.code)
    writer.writeUInt8(UInt8(clamping: event.currency.minorUnits))
    writer.writeString(event.ts)
    if let entity = event.entity { writer.writeString(entity) }
    if let memo = event.memo { writer.writeString(memo) }
    if let reason = event.reason { writer.writeString(reason) }
    if let author = event.author { writer.writeString(author) }
    if !event.extras.isEmpty {
      writer.writeCount(event.extras.count)
      for extra in event.extras {
        writer.writeString(extra.name)
        writer.writeString(extra.rawJSON)
      }
    }
    writer.writeString(event.origin.source)
    writer.writeString(event.origin.file)
    writer.writeCount(event.origin.line)
  }

  /// The flags byte of an event with these fields present.
  private static func eventFlags(
    entity: Bool, memo: Bool, reason: Bool, author: Bool, extras: Bool, ownOrderID: Bool
  ) -> UInt8 {
    (entity ? EventFlag.entity : 0) | (memo ? EventFlag.memo : 0) | (reason ? EventFlag.reason : 0)
      | (author ? EventFlag.author : 0) | (extras ? EventFlag.extras : 0) | (ownOrderID ? EventFlag.ownOrderID : 0)
  }

  /// Writes the event `checked` describes, from line `line` of `file` of `source`, inside the
  /// container of its own order: the same bytes as `write(checked.event(origin:), to:,
  /// containerOrderID: its order id)`, without building the event.
  public static func write(
    _ checked: CheckedEvent, source: String, file: String, line: Int, to writer: inout ByteWriter
  ) {
    write(checked, origin: EncodedSource(source: source, file: file), line: line, to: &writer)
  }

  /// `write(_:source:file:line:to:)` with the source and file encoded once for many events.
  public static func write(
    _ checked: CheckedEvent, origin: EncodedSource, line: Int, to writer: inout ByteWriter
  ) {
    guard checked.extras.isEmpty else {
      writeWithExtras(checked, origin: origin, line: line, to: &writer)
      return
    }
    // Everything the encoding needs, as plain values first: the closures below then capture no
    // `CheckedEvent` (copying one into a closure's context cost a retain and a release per event).
    let flags = eventFlags(
      entity: checked.entity != nil, memo: checked.memo != nil, reason: checked.reason != nil,
      author: checked.author != nil, extras: false, ownOrderID: false)
    let kind = kindCode(checked.kind)
    let amount = checked.amount
    let minorUnits = UInt8(clamping: checked.currency.minorUnits)
    let optionals = (checked.entity, checked.memo, checked.reason, checked.author)
    let ts = checked.ts
    var code = checked.currency.code
    checked.id.withUTF8 { id in
      ts.withUTF8 { ts in
        code.withUTF8 { code in
          origin.bytes.withUnsafeBufferPointer { origin in
            let varint = RawByteCursor.maxVarIntBytes
            let size = { (text: UnsafeBufferPointer<UInt8>?) in text.map { varint + $0.count } ?? 0 }
            let optional = size(optionals.0) + size(optionals.1) + size(optionals.2) + size(optionals.3)
            let bound = 3 + 4 * varint + id.count + code.count + ts.count + optional + origin.count + varint
            writer.writeRaw(maxCount: bound) { out in
              out.writeUInt8(flags)
              out.writeString(utf8: id)
              out.writeUInt8(kind)
              out.writeVarInt(amount)
              out.writeString(utf8: code)
              out.writeUInt8(minorUnits)
              out.writeString(utf8: ts)
              if let entity = optionals.0 { out.writeString(utf8: entity) }
              if let memo = optionals.1 { out.writeString(utf8: memo) }
              if let reason = optionals.2 { out.writeString(utf8: reason) }
              if let author = optionals.3 { out.writeString(utf8: author) }
              out.writeBytes(origin)
              out.writeCount(line)
            }
          }
        }
      }
    }
  }

  /// The general form of `write(_:origin:line:to:)`, for a line with extra fields.
  private static func writeWithExtras(
    _ checked: CheckedEvent, origin: EncodedSource, line: Int, to writer: inout ByteWriter
  ) {
    writer.writeUInt8(
      eventFlags(
        entity: checked.entity != nil, memo: checked.memo != nil, reason: checked.reason != nil,
        author: checked.author != nil, extras: !checked.extras.isEmpty, ownOrderID: false))
    checked.id.withUTF8 { writer.writeString(utf8: $0) }
    writer.writeUInt8(kindCode(checked.kind))
    writer.writeVarInt(checked.amount)
    writer.writeString(checked.currency.code)
    writer.writeUInt8(UInt8(clamping: checked.currency.minorUnits))
    checked.ts.withUTF8 { writer.writeString(utf8: $0) }
    if let entity = checked.entity { writer.writeString(utf8: entity) }
    if let memo = checked.memo { writer.writeString(utf8: memo) }
    if let reason = checked.reason { writer.writeString(utf8: reason) }
    if let author = checked.author { writer.writeString(utf8: author) }
    writer.writeCount(checked.extras.count)
    for extra in checked.extras {
      writer.writeString(extra.name)
      writer.writeString(extra.rawJSON)
    }
    writer.writeBytes(origin.bytes)
    writer.writeCount(line)
  }

  /// Reads an event written by `write(_:to:containerOrderID:)` with the same `containerOrderID`.
  /// `previousOrigin`, when given, lends its source and file strings to an event that has the
  /// same ones (no new allocation).
  public static func readEvent(
    from reader: inout ByteReader, containerOrderID: String?, previousOrigin: EventOrigin? = nil
  ) throws(StorageError) -> Event {
    let flags = try readEventFlags(from: &reader)
    let id = try reader.readString()
    let orderID = try readOrderID(flags: flags, from: &reader, containerOrderID: containerOrderID)
    let kind = try readKind(from: &reader)
    let amount = try reader.readVarInt()
    let currency = Currency(code: try reader.readString(), minorUnits: Int(try reader.readUInt8()))
    let ts = try reader.readString()
    let entity = flags & EventFlag.entity != 0 ? try reader.readString() : nil
    let memo = flags & EventFlag.memo != 0 ? try reader.readString() : nil
    let reason = flags & EventFlag.reason != 0 ? try reader.readString() : nil
    let author = flags & EventFlag.author != 0 ? try reader.readString() : nil
    let extras = flags & EventFlag.extras != 0 ? try readExtras(from: &reader) : []
    let origin = EventOrigin(
      source: try reader.readString(reusing: previousOrigin?.source),
      file: try reader.readString(reusing: previousOrigin?.file), line: try reader.readInt())
    return Event(
      id: id, orderID: orderID, kind: kind, amount: amount, currency: currency, ts: ts,
      entity: entity, memo: memo, reason: reason, author: author, extras: extras, origin: origin)
  }

  /// Reads an event's flags byte; throws on a bit no version of the format defines.
  static func readEventFlags(from reader: inout ByteReader) throws(StorageError) -> UInt8 {
    let flagsOffset = reader.position
    let flags = try reader.readUInt8()
    guard flags & ~EventFlag.all == 0 else {
      throw .malformed(context: reader.context, offset: flagsOffset, detail: "unknown event flags \(flags)")
    }
    return flags
  }

  private static func readOrderID(
    flags: UInt8, from reader: inout ByteReader, containerOrderID: String?
  ) throws(StorageError) -> String {
    if flags & EventFlag.ownOrderID != 0 { return try reader.readString() }
    guard let containerOrderID else {
      throw .malformed(
        context: reader.context, offset: reader.position, detail: "event has no order id")
    }
    return containerOrderID
  }

  private static func readExtras(from reader: inout ByteReader) throws(StorageError) -> [ExtraField] {
    let count = try reader.readCount(minimumItemSize: 2)
    var extras: [ExtraField] = []
    extras.reserveCapacity(count)
    for _ in 0..<count {
      extras.append(ExtraField(name: try reader.readString(), rawJSON: try reader.readString()))
    }
    return extras
  }

  static func readKind(from reader: inout ByteReader) throws(StorageError) -> EventKind {
    let offset = reader.position
    let code = try reader.readUInt8()
    guard let kind = kind(code: code) else {
      throw .malformed(context: reader.context, offset: offset, detail: "unknown event kind code \(code)")
    }
    return kind
  }

  /// Stable on-disk codes: never renumber, only append.
  static func kindCode(_ kind: EventKind) -> UInt8 {
    switch kind {
    case .charge: return 1
    case .payment: return 2
    case .refund: return 3
    case .chargeback: return 4
    case .fee: return 5
    case .payable: return 6
    case .payout: return 7
    case .royalty: return 8
    case .amortization: return 9
    case .remittance: return 10
    case .shipment: return 11
    case .adjustment: return 12
    case .correction: return 13
    }
  }

  static func kind(code: UInt8) -> EventKind? {
    Int(code) < kindsByCode.count ? kindsByCode[Int(code)] : nil
  }

  private static let kindsByCode: [EventKind?] = {
    var table = [EventKind?](repeating: nil, count: 256)
    for kind in EventKind.allCases { table[Int(kindCode(kind))] = kind }
    return table
  }()
}

/// An event's source and file as they end its encoding (two length-prefixed strings), encoded
/// once for all the events of one input file.
public struct EncodedSource: Sendable {
  public let bytes: [UInt8]

  public init(source: String, file: String) {
    var writer = ByteWriter(capacity: source.utf8.count + file.utf8.count + 20)
    writer.writeString(source)
    writer.writeString(file)
    bytes = writer.takeBytes()
  }
}
