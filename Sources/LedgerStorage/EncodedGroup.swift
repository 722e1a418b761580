import LedgerDomain

/// A `RecordType.statelessGroup` payload scanned in place: where each event lies and the few
/// fields the fold needs (id, amount, currency), without building `Event` values. Process folds
/// over it (`EncodedFold`) and copies accepted events' bytes into the new line segment; a whole
/// `Event` is decoded only for a line it rejects.
///
/// Scanning checks what `ArtifactCodec.decodeStatelessGroup` checks (flags, kind codes, UTF-8,
/// lengths, no trailing bytes): a payload one rejects, the other rejects too.
public struct EncodedGroup: Sendable {
  /// A currency as a value without references: up to eight ASCII bytes of code, and the minor
  /// units. Two of them are equal exactly when the `Currency` values are (for ASCII, `String ==`
  /// is byte equality).
  public struct CurrencyKey: Sendable, Equatable {
    /// The code's bytes, the first in the lowest byte.
    public var code: UInt64
    /// How many bytes of `code` are the code.
    public var length: UInt8
    /// The currency's minor-unit digits as stored with the event.
    public var minorUnits: UInt8
  }

  /// Where one event lies in the payload and what the fold reads of it.
  public struct Line: Sendable {
    /// Where the event's bytes (as `ArtifactCodec.write` wrote them inside this group) start.
    public var start: Int
    /// Where they end.
    public var end: Int
    /// Where the id's UTF-8 bytes start.
    public var idStart: Int
    /// How many bytes the id has.
    public var idLength: Int
    /// The signed amount in minor units.
    public var amount: Int64
    /// The event's currency.
    public var currency: CurrencyKey
  }

  /// The whole record payload.
  public let payload: [UInt8]
  /// The order id (the group's key).
  public let orderID: String
  /// Offset just after the order id (where a line segment inserts its version).
  public let afterOrderID: Int
  /// The events, in arrival order.
  public private(set) var lines: [Line]
  /// Whether every currency code fit a `CurrencyKey` (at most eight ASCII bytes). When not, the
  /// group must be folded as decoded events.
  public private(set) var currenciesFit: Bool

  /// Scans `payload`; throws `StorageError` where `decodeStatelessGroup` would.
  public init(_ payload: [UInt8], context: String = "stateless group") throws(StorageError) {
    var reader = ByteReader(payload, context: context)
    self.payload = payload
    orderID = try reader.readString()
    afterOrderID = reader.position
    // An event takes at least 10 bytes (as `ArtifactCodec.readEvents` counts them).
    let count = try reader.readCount(minimumItemSize: 10)
    currenciesFit = true
    if let fast = Self.fastLines(payload, from: reader.position, count: count) {
      lines = fast
      return
    }
    lines = []
    lines.reserveCapacity(count)
    for _ in 0..<count { lines.append(try scanLine(&reader)) }
    try reader.expectEnd()
  }

  private mutating func scanLine(_ reader: inout ByteReader) throws(StorageError) -> Line {
    let start = reader.position
    let flags = try ArtifactCodec.readEventFlags(from: &reader)
    let id = try reader.skipValidString()
    if flags & ArtifactCodec.EventFlag.ownOrderID != 0 { _ = try reader.skipValidString() }
    _ = try ArtifactCodec.readKind(from: &reader)
    let amount = try reader.readVarInt()
    let code = try reader.skipValidString()
    let minorUnits = try reader.readUInt8()
    _ = try reader.skipValidString()  // ts
    if flags & ArtifactCodec.EventFlag.entity != 0 { _ = try reader.skipValidString() }
    if flags & ArtifactCodec.EventFlag.memo != 0 { _ = try reader.skipValidString() }
    if flags & ArtifactCodec.EventFlag.reason != 0 { _ = try reader.skipValidString() }
    if flags & ArtifactCodec.EventFlag.author != 0 { _ = try reader.skipValidString() }
    if flags & ArtifactCodec.EventFlag.extras != 0 {
      let extras = try reader.readCount(minimumItemSize: 2)
      for _ in 0..<(2 * extras) { _ = try reader.skipValidString() }
    }
    _ = try reader.skipValidString()  // source
    _ = try reader.skipValidString()  // file
    _ = try reader.readInt()  // line
    let currency = key(code, minorUnits: minorUnits)
    return Line(
      start: start, end: reader.position, idStart: id.lowerBound, idLength: id.count, amount: amount,
      currency: currency)
  }

  private mutating func key(_ code: Range<Int>, minorUnits: UInt8) -> CurrencyKey {
    var word: UInt64 = 0
    guard code.count <= 8 else {
      currenciesFit = false
      return CurrencyKey(code: 0, length: 0, minorUnits: minorUnits)
    }
    for (shift, i) in code.enumerated() {
      let byte = payload[i]
      if byte >= 0x80 { currenciesFit = false }
      word |= UInt64(byte) << (8 * UInt64(shift))
    }
    return CurrencyKey(code: word, length: UInt8(code.count), minorUnits: minorUnits)
  }

  /// The event at `index`, decoded (for a rejection's origin and excerpt, or a fallback).
  public func event(at index: Int) throws(StorageError) -> Event {
    let line = lines[index]
    var reader = ByteReader(payload, context: "stateless group", start: line.start, end: line.end)
    return try ArtifactCodec.readEvent(from: &reader, containerOrderID: orderID)
  }

  /// Every event, decoded (what `ArtifactCodec.decodeStatelessGroup` returns).
  public func events() throws(StorageError) -> [Event] {
    var events: [Event] = []
    events.reserveCapacity(lines.count)
    for index in lines.indices { events.append(try event(at: index)) }
    return events
  }

  /// The id of the event at `index`.
  public func id(at index: Int) -> String {
    let line = lines[index]
    return payload.withUnsafeBufferPointer {
      String(decoding: UnsafeBufferPointer(rebasing: $0[line.idStart..<line.idStart + line.idLength]), as: UTF8.self)
    }
  }

  /// Where the id of the event at `index` lies in `payload`.
  public func idSpan(at index: Int) -> Range<Int> {
    let line = lines[index]
    return line.idStart..<line.idStart + line.idLength
  }

  /// Calls `body` with the id bytes of the event at `index`.
  @inlinable
  public func withID<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let line = lines[index]
    return try payload.withUnsafeBufferPointer {
      try body(UnsafeBufferPointer(rebasing: $0[line.idStart..<line.idStart + line.idLength]))
    }
  }

  /// The `RecordType.lineSegment` payload holding the events at `indices` (ascending) at
  /// `version`: the same bytes as `ArtifactCodec.encode(LineSegment)` of those events decoded,
  /// built by copying each event's bytes (an event inside a segment is written as inside its
  /// group: both containers are keyed by the same order id).
  public func lineSegment(of indices: [Int], version: UInt64) -> [UInt8] {
    if indices.count == lines.count {
      // Every event: the group's bytes with the version inserted after the order id.
      var writer = ByteWriter(capacity: payload.count + 10)
      writer.writeBytes(payload[..<afterOrderID])
      writer.writeVarUInt(version)
      writer.writeBytes(payload[afterOrderID...])
      return writer.bytes
    }
    var size = afterOrderID + 20
    for index in indices { size += lines[index].end - lines[index].start }
    var writer = ByteWriter(capacity: size)
    writer.writeBytes(payload[..<afterOrderID])
    writer.writeVarUInt(version)
    writer.writeCount(indices.count)
    for index in indices { writer.writeBytes(payload[lines[index].start..<lines[index].end]) }
    return writer.bytes
  }
}
