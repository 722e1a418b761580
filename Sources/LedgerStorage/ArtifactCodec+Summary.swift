import LedgerDomain

extension ArtifactCodec {
  /// The payload of a `RecordType.artifactSummary` record. Totals are written sorted by
  /// currency code and inline ids sorted, so equal summaries encode to equal bytes.
  public static func encode(_ stored: StoredSummary) -> [UInt8] {
    var writer = ByteWriter()
    let summary = stored.summary
    writer.writeString(summary.orderID)
    writer.writeVarUInt(summary.version)
    writer.writeCount(summary.lineCount)
    writer.writeCount(summary.totals.count)
    // In currency order (`ArtifactSummary.currencies`), without looking each one up again.
    var entries = Array(summary.totals)
    if entries.count > 1 { entries.sort { $0.key < $1.key } }
    for (currency, totals) in entries {
      writer.writeString(currency.code)
      writer.writeUInt8(UInt8(clamping: currency.minorUnits))
      writer.writeVarInt(totals.balance)
      writer.writeVarInt(totals.debits)
      writer.writeVarInt(totals.credits)
    }
    writer.writeCount(stored.segments.count)
    for segment in stored.segments {
      write(segment.location, to: &writer)
      writer.writeCount(Int(segment.lineCount))
    }
    writeIDs(stored.ids, to: &writer)
    return writer.bytes
  }

  /// Decodes a `RecordType.artifactSummary` payload.
  public static func decodeSummary(
    _ payload: [UInt8], context: String = "artifact summary"
  ) throws(StorageError) -> StoredSummary {
    var reader = ByteReader(payload, context: context)
    let orderID = try reader.readString()
    let version = try reader.readVarUInt()
    let lineCount = try reader.readInt()
    let totals = try readTotals(from: &reader)
    let segments = try readSegments(from: &reader)
    let ids = try readIDs(from: &reader, payload: payload)
    try reader.expectEnd()
    let summary = ArtifactSummary(orderID: orderID, version: version, lineCount: lineCount, totals: totals)
    return StoredSummary(summary: summary, segments: segments, ids: ids)
  }

  /// Decodes the summary read at `location`; an error names `what` and the location (built only
  /// then: a prefetched million summaries must not format a million locations).
  public static func decodeSummary(
    _ payload: [UInt8], at location: ArtifactLocation, what: String = "artifact summary"
  ) throws(StorageError) -> StoredSummary {
    do {
      return try decodeSummary(payload, context: what)
    } catch {
      guard case .malformed(_, let offset, let detail) = error else { throw error }
      throw .malformed(context: "\(what) at \(location)", offset: offset, detail: detail)
    }
  }

  /// The segment references of a `RecordType.artifactSummary` payload, skipping the totals and
  /// not decoding the id set (what compaction needs to account live bytes).
  public static func summarySegments(
    _ payload: [UInt8], context: String = "artifact summary"
  ) throws(StorageError) -> [SegmentRef] {
    var reader = ByteReader(payload, context: context)
    try reader.skipString()
    _ = try reader.readVarUInt()
    _ = try reader.readInt()
    let currencies = try reader.readCount(minimumItemSize: 5)
    for _ in 0..<currencies {
      try reader.skipString()
      _ = try reader.readUInt8()
      for _ in 0..<3 { _ = try reader.readVarUInt() }
    }
    return try readSegments(from: &reader)
  }

  private static func readTotals(from reader: inout ByteReader) throws(StorageError) -> [Currency: CurrencyTotals] {
    let count = try reader.readCount(minimumItemSize: 5)
    var totals: [Currency: CurrencyTotals] = [:]
    totals.reserveCapacity(count)
    for _ in 0..<count {
      let currency = Currency(code: try reader.readString(), minorUnits: Int(try reader.readUInt8()))
      totals[currency] = CurrencyTotals(
        balance: try reader.readVarInt(), debits: try reader.readVarInt(), credits: try reader.readVarInt())
    }
    return totals
  }

  private static func readSegments(from reader: inout ByteReader) throws(StorageError) -> [SegmentRef] {
    let count = try reader.readCount(minimumItemSize: 4)
    var segments: [SegmentRef] = []
    segments.reserveCapacity(count)
    for _ in 0..<count {
      let location = try readLocation(from: &reader)
      let start = reader.position
      let lines = try reader.readVarUInt()
      guard lines <= UInt64(Int32.max) else {
        throw .malformed(context: reader.context, offset: start, detail: "segment line count \(lines) out of range")
      }
      segments.append(SegmentRef(location: location, lineCount: Int32(lines)))
    }
    return segments
  }

  private static func writeIDs(_ ids: EventIDSet, to writer: inout ByteWriter) {
    switch ids {
    case .inline(let set):
      writer.writeUInt8(0)
      writer.writeCount(set.count)
      writer.writeBytes(set.packed)
    case .external:
      writer.writeUInt8(1)
    }
  }

  private static func readIDs(from reader: inout ByteReader, payload: [UInt8]) throws(StorageError) -> EventIDSet {
    let start = reader.position
    switch try reader.readUInt8() {
    case 0:
      let count = try reader.readCount()
      var spans: [Range<Int>] = []
      spans.reserveCapacity(count)
      for _ in 0..<count { spans.append(try reader.skipValidString()) }
      var builder = SortedIDs.Builder(capacity: count, bytes: reader.position - start)
      payload.withUnsafeBufferPointer { bytes in
        for span in spans { builder.append(UnsafeBufferPointer(rebasing: bytes[span])) }
      }
      // Written sorted; a record from elsewhere (or a damaged one) is sorted here, never trusted.
      return .inline(builder.finish() ?? SortedIDs(spans: spans, of: payload))
    case 1:
      return .external
    case let tag:
      throw .malformed(context: reader.context, offset: start, detail: "unknown id set tag \(tag)")
    }
  }
}
