import LedgerDomain

/// Encodes and decodes the payloads of part-file records: events, line segments, stored
/// summaries, stateless groups and index manifest entries. Hand-written binary (varints,
/// length-prefixed UTF-8), no Foundation, no Codable. Decoding garbage throws, never crashes.
///
/// `context` arguments name what is decoded in error messages; pass the record's location.
public enum ArtifactCodec {
  // MARK: Event

  /// The payload of one standalone event (carrying its own order id).
  public static func encode(_ event: Event) -> [UInt8] {
    var writer = ByteWriter()
    write(event, to: &writer, containerOrderID: nil)
    return writer.bytes
  }

  /// Decodes a standalone event payload.
  public static func decodeEvent(_ payload: [UInt8], context: String = "event") throws(StorageError) -> Event {
    var reader = ByteReader(payload, context: context)
    let event = try readEvent(from: &reader, containerOrderID: nil)
    try reader.expectEnd()
    return event
  }

  // MARK: Line segment

  /// The payload of a `RecordType.lineSegment` record.
  public static func encode(_ segment: LineSegment) -> [UInt8] {
    var writer = ByteWriter(capacity: 64 + segment.events.count * 96)
    writer.writeString(segment.orderID)
    writer.writeVarUInt(segment.version)
    writeEvents(segment.events, to: &writer, orderID: segment.orderID)
    return writer.bytes
  }

  /// The `RecordType.lineSegment` payload holding every event of the stateless group whose
  /// payload is `groupPayload`, at `version`: the same bytes as `encode(LineSegment)` of the
  /// decoded events, built by inserting the version after the order id (no re-encoding).
  public static func lineSegment(fromGroupPayload groupPayload: [UInt8], version: UInt64) throws(StorageError)
    -> [UInt8]
  {
    var reader = ByteReader(groupPayload, context: "stateless group")
    try reader.skipString()
    let split = reader.position
    var writer = ByteWriter(capacity: groupPayload.count + 10)
    writer.writeBytes(groupPayload[..<split])
    writer.writeVarUInt(version)
    writer.writeBytes(groupPayload[split...])
    return writer.bytes
  }

  /// Decodes a `RecordType.lineSegment` payload.
  public static func decodeLineSegment(
    _ payload: [UInt8], context: String = "line segment"
  ) throws(StorageError) -> LineSegment {
    var reader = ByteReader(payload, context: context)
    let orderID = try reader.readString()
    let version = try reader.readVarUInt()
    let events = try readEvents(from: &reader, orderID: orderID)
    try reader.expectEnd()
    return LineSegment(orderID: orderID, version: version, events: events)
  }

  // MARK: Stateless group

  /// The payload of a `RecordType.statelessGroup` record.
  public static func encode(_ group: StatelessGroup) -> [UInt8] {
    var writer = ByteWriter(capacity: 64 + group.events.count * 96)
    writer.writeString(group.orderID)
    writeEvents(group.events, to: &writer, orderID: group.orderID)
    return writer.bytes
  }

  /// Decodes a `RecordType.statelessGroup` payload.
  public static func decodeStatelessGroup(
    _ payload: [UInt8], context: String = "stateless group"
  ) throws(StorageError) -> StatelessGroup {
    var reader = ByteReader(payload, context: context)
    let orderID = try reader.readString()
    let events = try readEvents(from: &reader, orderID: orderID)
    try reader.expectEnd()
    return StatelessGroup(orderID: orderID, events: events)
  }

  /// The order id of a `RecordType.statelessGroup` payload, without decoding its events.
  public static func statelessGroupOrderID(
    _ payload: [UInt8], context: String = "stateless group"
  ) throws(StorageError) -> String {
    var reader = ByteReader(payload, context: context)
    return try reader.readString()
  }

  private static func writeEvents(_ events: [Event], to writer: inout ByteWriter, orderID: String) {
    writer.writeCount(events.count)
    for event in events { write(event, to: &writer, containerOrderID: orderID) }
  }

  private static func readEvents(from reader: inout ByteReader, orderID: String) throws(StorageError) -> [Event] {
    // An event takes at least 10 bytes (flags, 5 empty strings, kind, amount, minor units, line).
    let count = try reader.readCount(minimumItemSize: 10)
    var events: [Event] = []
    events.reserveCapacity(count)
    var previous: EventOrigin?
    for _ in 0..<count {
      // Events of one group mostly share a source and a file: reuse their strings.
      let event = try readEvent(from: &reader, containerOrderID: orderID, previousOrigin: previous)
      previous = event.origin
      events.append(event)
    }
    return events
  }

  // MARK: Index manifest entry

  /// The payload of a `RecordType.indexManifestEntry` record.
  public static func encode(_ manifest: IndexManifestEntry) -> [UInt8] {
    var writer = ByteWriter()
    writer.writeString(manifest.entry.orderID)
    writer.writeVarUInt(manifest.entry.version)
    write(manifest.entry.location, to: &writer)
    writer.writeCount(manifest.externalEventIDs.count)
    for id in manifest.externalEventIDs { writer.writeString(id) }
    return writer.bytes
  }

  /// Decodes a `RecordType.indexManifestEntry` payload.
  /// `previousPart`, when given, lends its string to an entry in the same part (a manifest's
  /// entries all point into one part: decoding a million of them allocates one name).
  public static func decodeIndexManifestEntry(
    _ payload: [UInt8], context: String = "index manifest entry", previousPart: String? = nil
  ) throws(StorageError) -> IndexManifestEntry {
    var reader = ByteReader(payload, context: context)
    let orderID = try reader.readString()
    let version = try reader.readVarUInt()
    let location = try readLocation(from: &reader, previousPart: previousPart)
    let count = try reader.readCount()
    var ids: [String] = []
    ids.reserveCapacity(count)
    for _ in 0..<count { ids.append(try reader.readString()) }
    try reader.expectEnd()
    return IndexManifestEntry(
      entry: IndexEntry(orderID: orderID, location: location, version: version), externalEventIDs: ids)
  }

  // MARK: Locations

  static func write(_ location: ArtifactLocation, to writer: inout ByteWriter) {
    writer.writeString(location.part)
    writer.writeVarUInt(UInt64(max(0, location.offset)))
    writer.writeVarUInt(UInt64(max(0, location.length)))
  }

  static func readLocation(
    from reader: inout ByteReader, previousPart: String? = nil
  ) throws(StorageError) -> ArtifactLocation {
    let part = try reader.readString(reusing: previousPart)
    let start = reader.position
    let offset = try reader.readVarUInt()
    let length = try reader.readVarUInt()
    guard offset <= UInt64(Int64.max), length <= UInt64(Int32.max) else {
      throw .malformed(context: reader.context, offset: start, detail: "location out of range")
    }
    return ArtifactLocation(part: part, offset: Int64(offset), length: Int32(length))
  }
}
