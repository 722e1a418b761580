/// Reads what `ByteWriter` wrote, with every read bounds-checked: bad bytes throw
/// `StorageError.truncated` or `.malformed`, never crash.
public struct ByteReader: Sendable {
  private let bytes: [UInt8]
  private let end: Int
  /// What is being decoded, for error messages (e.g. `artifact summary at s/1.part@0+80`).
  public let context: String
  /// Index of the next byte to read.
  public private(set) var position: Int

  /// A reader over `bytes[start..<end]` (the whole array by default).
  public init(_ bytes: [UInt8], context: String, start: Int = 0, end: Int? = nil) {
    self.bytes = bytes
    self.context = context
    self.end = min(end ?? bytes.count, bytes.count)
    self.position = min(max(0, start), self.end)
  }

  /// Bytes left to read.
  public var remaining: Int { end - position }

  /// Whether every byte has been read.
  public var isAtEnd: Bool { position == end }

  /// Throws unless every byte has been read (trailing garbage means a corrupt payload).
  public func expectEnd() throws(StorageError) {
    guard isAtEnd else {
      throw .malformed(context: context, offset: position, detail: "\(remaining) unexpected trailing bytes")
    }
  }

  private func require(_ count: Int) throws(StorageError) {
    guard count <= remaining else {
      throw .truncated(context: context, offset: position, needed: count, available: remaining)
    }
  }

  /// Reads one byte.
  public mutating func readUInt8() throws(StorageError) -> UInt8 {
    try require(1)
    defer { position += 1 }
    return bytes[position]
  }

  /// Reads 2 little-endian bytes.
  public mutating func readUInt16() throws(StorageError) -> UInt16 { try readFixed() }

  /// Reads 4 little-endian bytes.
  public mutating func readUInt32() throws(StorageError) -> UInt32 { try readFixed() }

  /// Reads 8 little-endian bytes.
  public mutating func readUInt64() throws(StorageError) -> UInt64 { try readFixed() }

  private mutating func readFixed<T: FixedWidthInteger>() throws(StorageError) -> T {
    let size = MemoryLayout<T>.size
    try require(size)
    var value: T = 0
    for index in 0..<size {
      value |= T(truncatingIfNeeded: bytes[position + index]) << (8 * index)
    }
    position += size
    return value
  }

  /// Reads an unsigned LEB128 varint of at most 10 bytes that fits in 64 bits.
  public mutating func readVarUInt() throws(StorageError) -> UInt64 {
    let start = position
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let byte = try readUInt8()
      if shift == 63 && byte > 1 {
        throw .malformed(context: context, offset: start, detail: "varint overflows 64 bits")
      }
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
  }

  /// Reads a zigzag-encoded signed varint.
  public mutating func readVarInt() throws(StorageError) -> Int64 {
    let raw = try readVarUInt()
    return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
  }

  /// Reads a count of items that each take at least `minimumItemSize` bytes; throws when the
  /// rest of the payload cannot hold that many (so a corrupt count never allocates gigabytes).
  public mutating func readCount(minimumItemSize: Int = 1) throws(StorageError) -> Int {
    let start = position
    let raw = try readVarUInt()
    guard raw <= UInt64(remaining / max(1, minimumItemSize)) else {
      throw .malformed(
        context: context, offset: start,
        detail: "count \(raw) cannot fit in the \(remaining) bytes left")
    }
    return Int(raw)
  }

  /// Reads a varint that must fit in an `Int`.
  public mutating func readInt() throws(StorageError) -> Int {
    let start = position
    let raw = try readVarUInt()
    guard raw <= UInt64(Int.max) else {
      throw .malformed(context: context, offset: start, detail: "value \(raw) does not fit in Int")
    }
    return Int(raw)
  }

  /// Reads a varint length followed by that many bytes of valid UTF-8.
  ///
  /// ASCII (the common case: ids, codes, timestamps) is checked by a byte loop and built with
  /// `String(decoding:as:)`; only non-ASCII text goes through full UTF-8 validation.
  public mutating func readString() throws(StorageError) -> String {
    let length = try readCount()
    let start = position
    let text: String? = bytes.withUnsafeBufferPointer { buffer in
      let slice = UnsafeBufferPointer(rebasing: buffer[start..<start + length])
      var high: UInt8 = 0
      for byte in slice { high |= byte }
      if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
      return String(validating: slice, as: UTF8.self)
    }
    guard let text else {
      throw .malformed(context: context, offset: start, detail: "string is not valid UTF-8")
    }
    position += length
    return text
  }

  /// Reads a string like `readString()`, returning `previous` itself when the bytes are its
  /// UTF-8 (no allocation for a string repeated record after record).
  public mutating func readString(reusing previous: String?) throws(StorageError) -> String {
    guard let previous else { return try readString() }
    let start = position
    let length = try readCount()
    let bodyStart = position
    if length == previous.utf8.count, bodyStart + length <= end {
      let same = bytes.withUnsafeBufferPointer { buffer in
        let body = UnsafeBufferPointer(rebasing: buffer[bodyStart..<bodyStart + length])
        return previous.utf8.withContiguousStorageIfAvailable { KeyOrder.compare($0, body) == 0 }
          ?? previous.utf8.elementsEqual(body)
      }
      if same {
        position = bodyStart + length
        return previous
      }
    }
    position = start
    return try readString()
  }

  /// Reads a string like `readString()` (the same checks, the same errors) without building it:
  /// returns where its UTF-8 bytes lie. Non-ASCII text is validated as `readString()` does.
  public mutating func skipValidString() throws(StorageError) -> Range<Int> {
    // A length under 128 is one byte (`readCount` for the rest).
    let length: Int
    if position < end, bytes[position] < 0x80 {
      length = Int(bytes[position])
      guard length < end - position else {
        throw .malformed(
          context: context, offset: position,
          detail: "count \(length) cannot fit in the \(end - position - 1) bytes left")
      }
      position += 1
    } else {
      length = try readCount()
    }
    let start = position
    let ascii: Bool = bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return true }
      return ASCIIBytes.all(base, from: start, count: length)
    }
    if !ascii {
      let valid = bytes.withUnsafeBufferPointer { buffer in
        String(validating: UnsafeBufferPointer(rebasing: buffer[start..<start + length]), as: UTF8.self) != nil
      }
      guard valid else {
        throw .malformed(context: context, offset: start, detail: "string is not valid UTF-8")
      }
    }
    position += length
    return start..<position
  }

  /// Reads a varint length and skips that many bytes (a string not needed by the caller).
  public mutating func skipString() throws(StorageError) {
    let length = try readCount()
    position += length
  }

  /// Reads `count` raw bytes.
  public mutating func readBytes(_ count: Int) throws(StorageError) -> [UInt8] {
    try require(count)
    defer { position += count }
    return Array(bytes[position..<position + count])
  }
}

/// Whether bytes are all ASCII, eight at a time: the check both string readers make before they
/// take bytes as UTF-8 without validating them again.
enum ASCIIBytes {
  /// Whether the `count` bytes at `base + start` are all below 0x80.
  @inline(__always)
  static func all(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Bool {
    var index = start
    var high: UInt64 = 0
    while index + 8 <= start + count {
      high |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
      index += 8
    }
    while index < start + count {
      high |= UInt64(base[index])
      index += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
  }
}
