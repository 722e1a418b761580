import LedgerDomain

/// An artifact summary record (`RecordType.artifactSummary` payload) read in place, for the
/// common case of process: ids inline, currency codes of at most eight ASCII bytes, every varint
/// in its shortest form. Its successor is written straight from these bytes and a fold's result
/// (`successor`), with no `StoredSummary` built: the totals become `EncodedFold.RunningTotals`,
/// the segment list and the packed ids are copied as they are.
///
/// Whatever this accepts, `ArtifactCodec.decodeSummary` accepts too, and `successor` writes the
/// bytes `ArtifactCodec.encode` writes for the summary `StoredSummary.appending` makes. Anything
/// else (a record this does not read, or reads otherwise) gives nil, and the caller takes the
/// decoding path, which accepts and refuses what it always did.
public struct EncodedSummary: Sendable {
  /// The record (empty for an artifact not written yet).
  private let payload: [UInt8]
  /// How many lines the artifact has.
  public let lineCount: Int
  /// Its totals, one per currency, as the fold starts from them.
  public let totals: [EncodedFold.RunningTotals]
  private let segmentCount: Int
  /// Where the segment references lie in `payload`.
  private let segments: Range<Int>
  private let idCount: Int
  /// Where the packed ids lie in `payload` (each a varint length and its bytes, ascending).
  private let ids: Range<Int>
  /// Where each id (its length, then its bytes) starts, for a binary search (kept only above
  /// `linearIDs` ids).
  private let idStarts: [Int32]

  /// Above this many ids, `contains` searches by halves instead of walking the packed ids.
  static let linearIDs = 16

  /// The summary of an artifact with no version yet (a key the index does not hold).
  public init() {
    payload = []
    lineCount = 0
    totals = []
    segmentCount = 0
    segments = 0..<0
    idCount = 0
    ids = 0..<0
    idStarts = []
  }

  /// Reads `payload`, the summary record of `orderID`; nil when it is not in the common case
  /// (its order id is other bytes, its ids are external, a code is long or not ASCII, two totals
  /// share a code, a varint is not in its shortest form, anything is malformed).
  public init?(_ payload: [UInt8], orderID: String) {
    guard let read = Self.read(payload, orderID: orderID) else { return nil }
    self.payload = payload
    lineCount = read.lineCount
    totals = read.totals
    segmentCount = read.segmentCount
    segments = read.segments
    idCount = read.idCount
    ids = read.ids
    idStarts = read.idStarts
  }

  private struct Read {
    var lineCount = 0
    var totals: [EncodedFold.RunningTotals] = []
    var segmentCount = 0
    var segments = 0..<0
    var idCount = 0
    var ids = 0..<0
    var idStarts: [Int32] = []
  }

  private static func read(_ payload: [UInt8], orderID: String) -> Read? {
    var key = orderID
    return key.withUTF8 { key in
      payload.withUnsafeBufferPointer { buffer -> Read? in
        var cursor = Cursor(buffer)
        var read = Read()
        guard let id = cursor.string(), KeyOrder.compare(id, key) == 0, id.count == key.count,
          cursor.varint() != nil, let lines = cursor.varint(), lines <= UInt64(Int.max),
          let currencies = cursor.count()
        else { return nil }
        read.lineCount = Int(lines)
        read.totals.reserveCapacity(currencies)
        for _ in 0..<currencies {
          guard let code = cursor.string(), code.count <= 8, let minorUnits = cursor.byte(),
            let balance = cursor.signed(), let debits = cursor.signed(), let credits = cursor.signed()
          else { return nil }
          var word: UInt64 = 0
          for (i, byte) in code.enumerated() {
            guard byte < 0x80 else { return nil }
            word |= UInt64(byte) << (8 * UInt64(i))
          }
          let currency = EncodedGroup.CurrencyKey(code: word, length: UInt8(code.count), minorUnits: minorUnits)
          read.totals.append(
            EncodedFold.RunningTotals(
              key: currency, totals: CurrencyTotals(balance: balance, debits: debits, credits: credits)))
        }
        guard Self.ascendingCodes(read.totals), let segmentCount = cursor.count() else { return nil }
        read.segmentCount = segmentCount
        let segmentsStart = cursor.position
        for _ in 0..<segmentCount {
          guard cursor.validString() != nil, let offset = cursor.varint(), offset <= UInt64(Int64.max),
            let length = cursor.varint(), length <= UInt64(Int32.max), let lines = cursor.varint(),
            lines <= UInt64(Int32.max)
          else { return nil }
        }
        read.segments = segmentsStart..<cursor.position
        guard cursor.byte() == 0, let idCount = cursor.count() else { return nil }
        read.idCount = idCount
        let idsStart = cursor.position
        if idCount > linearIDs { read.idStarts.reserveCapacity(idCount) }
        var previous: UnsafeBufferPointer<UInt8>?
        for _ in 0..<idCount {
          let start = cursor.position
          guard let id = cursor.validString() else { return nil }
          if let previous, KeyOrder.compare(previous, id) >= 0 { return nil }
          if idCount > linearIDs { read.idStarts.append(Int32(start)) }
          previous = id
        }
        read.ids = idsStart..<cursor.position
        return cursor.position == buffer.count ? read : nil
      }
    }
  }

  /// Whether the codes ascend by bytes with no two alike (as `ArtifactCodec.encode` orders them;
  /// two totals of one code, which differ in minor units, have no order: not the common case).
  private static func ascendingCodes(_ totals: [EncodedFold.RunningTotals]) -> Bool {
    for i in totals.indices.dropFirst() where !precedes(totals[i - 1].key, totals[i].key) { return false }
    return true
  }

  /// Byte order of the codes (equal codes do not precede each other).
  static func precedes(_ a: EncodedGroup.CurrencyKey, _ b: EncodedGroup.CurrencyKey) -> Bool {
    for i in 0..<Int(min(a.length, b.length)) {
      let x = UInt8(truncatingIfNeeded: a.code >> (8 * UInt64(i)))
      let y = UInt8(truncatingIfNeeded: b.code >> (8 * UInt64(i)))
      if x != y { return x < y }
    }
    return a.length < b.length
  }

  /// Whether the artifact already holds the id whose UTF-8 bytes are `id`.
  public func contains(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
    payload.withUnsafeBufferPointer { buffer in
      guard idCount > Self.linearIDs else {
        var cursor = Cursor(buffer, from: ids.lowerBound)
        for _ in 0..<idCount {
          guard let held = cursor.string() else { return false }
          let order = KeyOrder.compare(held, id)
          if order >= 0 { return order == 0 && held.count == id.count }
        }
        return false
      }
      var low = 0
      var high = idCount
      while low < high {
        let mid = (low + high) / 2
        if KeyOrder.compare(Self.id(at: Int(idStarts[mid]), buffer), id) < 0 { low = mid + 1 } else { high = mid }
      }
      guard low < idCount else { return false }
      let held = Self.id(at: Int(idStarts[low]), buffer)
      return KeyOrder.compare(held, id) == 0 && held.count == id.count
    }
  }

  /// The bytes of the id packed at `start` (its length, then its bytes; read once already).
  private static func id(at start: Int, _ buffer: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var cursor = Cursor(buffer, from: start)
    return cursor.string() ?? UnsafeBufferPointer(rebasing: buffer[start..<start])
  }

  /// The totals of the successor after a fold over `totals` (this summary's, as
  /// `EncodedFold.fold` left them) accepted `accepted` lines, in the order the record keeps them:
  /// every held currency and each new one the fold changed, as `EncodedFold.apply` leaves a
  /// summary's totals. Nil when the successor is not in the common case (its ids would no longer
  /// be inline, or two of its totals would share a code): the caller takes the decoding path.
  public func successorTotals(_ totals: [EncodedFold.RunningTotals], accepted: Int) -> [EncodedFold.RunningTotals]? {
    guard lineCount + accepted <= StoredSummary.inlineIDLimit else { return nil }
    var kept = totals.enumerated().filter { $0.offset < self.totals.count || $0.element.changed }.map(\.element)
    kept.sort { Self.precedes($0.key, $1.key) }
    return Self.ascendingCodes(kept) ? kept : nil
  }

  /// Writes the successor's record: `group`'s lines at `accepted` (ascending indices, none held
  /// already, no two alike) written as the segment at `segment`, the totals `kept`
  /// (`successorTotals`), stamped with `version`. These are the bytes `ArtifactCodec.encode`
  /// writes for the summary `StoredSummary.appending` makes of the same fold.
  public func writeSuccessor(
    of group: EncodedGroup, totals kept: [EncodedFold.RunningTotals], accepted: [Int], version: UInt64,
    segment: ArtifactLocation, into writer: inout ByteWriter
  ) {
    let lines = lineCount + accepted.count
    writer.writeString(group.orderID)
    writer.writeVarUInt(version)
    writer.writeCount(lines)
    writer.writeCount(kept.count)
    for entry in kept {
      writer.writeCount(Int(entry.key.length))
      for i in 0..<Int(entry.key.length) {
        writer.writeUInt8(UInt8(truncatingIfNeeded: entry.key.code >> (8 * UInt64(i))))
      }
      writer.writeUInt8(entry.key.minorUnits)
      writer.writeVarInt(entry.totals.balance)
      writer.writeVarInt(entry.totals.debits)
      writer.writeVarInt(entry.totals.credits)
    }
    writer.writeCount(segmentCount + 1)
    writer.writeBytes(payload[segments])
    ArtifactCodec.write(segment, to: &writer)
    writer.writeCount(accepted.count)
    writer.writeUInt8(0)
    writer.writeCount(idCount + accepted.count)
    writeIDs(merging: accepted, of: group, into: &writer)
  }

  /// Writes the held ids merged with the accepted ones, ascending by bytes.
  private func writeIDs(merging accepted: [Int], of group: EncodedGroup, into writer: inout ByteWriter) {
    group.payload.withUnsafeBufferPointer { groupBytes in
      payload.withUnsafeBufferPointer { buffer in
        func new(_ index: Int) -> UnsafeBufferPointer<UInt8> {
          let line = group.lines[index]
          return UnsafeBufferPointer(rebasing: groupBytes[line.idStart..<line.idStart + line.idLength])
        }
        var order = accepted
        if order.count > 1 { order.sort { KeyOrder.compare(new($0), new($1)) < 0 } }
        var cursor = Cursor(buffer, from: ids.lowerBound)
        var held = idCount > 0 ? cursor.string() : nil
        var taken = 1
        var next = 0
        while let current = held, next < order.count {
          let id = new(order[next])
          if KeyOrder.compare(current, id) < 0 {
            writer.writeString(utf8: current)
            held = taken < idCount ? cursor.string() : nil
            taken += 1
          } else {
            writer.writeString(utf8: id)
            next += 1
          }
        }
        while let current = held {
          writer.writeString(utf8: current)
          held = taken < idCount ? cursor.string() : nil
          taken += 1
        }
        for k in next..<order.count { writer.writeString(utf8: new(order[k])) }
      }
    }
  }
}

/// A bounds-checked reader of a summary record that gives up (nil) instead of throwing, and
/// accepts varints in their shortest form only (so that copying bytes equals re-encoding them).
private struct Cursor {
  let buffer: UnsafeBufferPointer<UInt8>
  var position: Int

  init(_ buffer: UnsafeBufferPointer<UInt8>, from position: Int = 0) {
    self.buffer = buffer
    self.position = position
  }

  mutating func byte() -> UInt8? {
    guard position < buffer.count else { return nil }
    defer { position += 1 }
    return buffer[position]
  }

  /// An unsigned LEB128 varint in its shortest form, fitting 64 bits.
  mutating func varint() -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while let byte = byte() {
      if shift == 63 && byte > 1 { return nil }
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return byte == 0 && shift > 0 ? nil : value }
      shift += 7
    }
    return nil
  }

  mutating func signed() -> Int64? {
    guard let raw = varint() else { return nil }
    return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
  }

  mutating func count() -> Int? {
    guard let raw = varint(), raw <= UInt64(buffer.count) else { return nil }
    return Int(raw)
  }

  /// A length-prefixed string's bytes (not validated).
  mutating func string() -> UnsafeBufferPointer<UInt8>? {
    guard let length = count(), length <= buffer.count - position else { return nil }
    defer { position += length }
    return UnsafeBufferPointer(rebasing: buffer[position..<position + length])
  }

  /// A length-prefixed string's bytes, valid UTF-8.
  mutating func validString() -> UnsafeBufferPointer<UInt8>? {
    guard let text = string() else { return nil }
    guard let base = text.baseAddress, !ASCIIBytes.all(base, from: 0, count: text.count) else { return text }
    return String(validating: text, as: UTF8.self) == nil ? nil : text
  }
}
