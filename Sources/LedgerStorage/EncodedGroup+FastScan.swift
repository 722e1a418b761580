extension EncodedGroup {
  /// The events of a group scanned in the common case only: ASCII strings with one-byte
  /// lengths, no extra fields, no event carrying its own order id. Nil as soon as anything else
  /// appears (or anything is wrong): the caller then scans with `ByteReader`, which accepts what
  /// `ArtifactCodec.readEvent` accepts and throws what it throws. Whatever this accepts, that
  /// scan accepts too, with the same lines.
  static func fastLines(_ payload: [UInt8], from start: Int, count: Int) -> [Line]? {
    payload.withUnsafeBufferPointer { buffer -> [Line]? in
      guard let base = buffer.baseAddress else { return count == 0 ? [] : nil }
      var cursor = FastCursor(base: base, end: buffer.count, position: start)
      var lines: [Line] = []
      lines.reserveCapacity(count)
      for _ in 0..<count {
        guard let line = cursor.line() else { return nil }
        lines.append(line)
      }
      return cursor.position == buffer.count ? lines : nil
    }
  }
}

/// A bounds-checked reader over a payload that gives up (`ok = false`) instead of throwing.
private struct FastCursor {
  let base: UnsafePointer<UInt8>
  let end: Int
  var position: Int
  var ok = true

  init(base: UnsafePointer<UInt8>, end: Int, position: Int) {
    self.base = base
    self.end = end
    self.position = position
  }

  /// Flags the fast scan handles: entity, memo, reason, author.
  private static let plainFlags: UInt8 = 1 | 2 | 4 | 8

  mutating func line() -> EncodedGroup.Line? {
    let start = position
    let flags = byte()
    guard ok, flags & ~Self.plainFlags == 0 else { return nil }
    let id = string()
    guard ok, ArtifactCodec.kind(code: byte()) != nil else { return nil }
    let raw = varint()
    let amount = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    let code = string()
    let minorUnits = byte()
    _ = string()  // ts
    if flags & 1 != 0 { _ = string() }  // entity
    if flags & 2 != 0 { _ = string() }  // memo
    if flags & 4 != 0 { _ = string() }  // reason
    if flags & 8 != 0 { _ = string() }  // author
    _ = string()  // source
    _ = string()  // file
    let line = varint()
    guard ok, line <= UInt64(Int.max), code.count <= 8 else { return nil }
    var word: UInt64 = 0
    for i in code { word |= UInt64(base[i]) << (8 * UInt64(i - code.lowerBound)) }
    return EncodedGroup.Line(
      start: start, end: position, idStart: id.lowerBound, idLength: id.count, amount: amount,
      currency: EncodedGroup.CurrencyKey(code: word, length: UInt8(code.count), minorUnits: minorUnits))
  }

  mutating func byte() -> UInt8 {
    guard position < end else {
      ok = false
      return 0
    }
    defer { position += 1 }
    return base[position]
  }

  /// A string with a one-byte length whose bytes are all ASCII.
  mutating func string() -> Range<Int> {
    let length = Int(byte())
    guard ok, length < 0x80, length <= end - position else {
      ok = false
      return position..<position
    }
    let start = position
    if !ASCIIBytes.all(base, from: start, count: length) { ok = false }
    position += length
    return start..<position
  }

  /// An unsigned LEB128 varint that fits in 64 bits (as `ByteReader.readVarUInt` reads it).
  mutating func varint() -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while ok {
      let byte = byte()
      if shift == 63 && byte > 1 { ok = false }
      guard ok else { break }
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return 0
  }
}
