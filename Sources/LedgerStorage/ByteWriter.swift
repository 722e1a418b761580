/// Appends little-endian integers, LEB128 varints and length-prefixed UTF-8 strings to a buffer.
///
/// The encoding side of `ByteReader`; every payload in a part file is written with it.
public struct ByteWriter: Sendable {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8]

  /// An empty writer with room for `capacity` bytes.
  public init(capacity: Int = 256) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// Number of bytes written so far.
  public var count: Int { bytes.count }

  /// A writer appending to `bytes` (pass it with `consume`, so no copy is made).
  public init(adopting bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// Empties the writer, keeping its buffer for the next payload.
  public mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
  }

  /// Hands the bytes over, leaving the writer empty.
  public mutating func takeBytes() -> [UInt8] {
    var out: [UInt8] = []
    swap(&out, &bytes)
    return out
  }

  /// Appends one byte.
  public mutating func writeUInt8(_ value: UInt8) {
    bytes.append(value)
  }

  /// Appends `value` as 2 little-endian bytes.
  public mutating func writeUInt16(_ value: UInt16) { writeFixed(value.littleEndian) }

  /// Appends `value` as 4 little-endian bytes.
  public mutating func writeUInt32(_ value: UInt32) { writeFixed(value.littleEndian) }

  /// Appends `value` as 8 little-endian bytes.
  public mutating func writeUInt64(_ value: UInt64) { writeFixed(value.littleEndian) }

  private mutating func writeFixed<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
  }

  /// Appends `value` as an unsigned LEB128 varint (1–10 bytes).
  public mutating func writeVarUInt(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  /// Appends `value` zigzag-encoded as an unsigned varint (small magnitudes stay short).
  public mutating func writeVarInt(_ value: Int64) {
    writeVarUInt(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
  }

  /// Appends a non-negative count or length as a varint.
  public mutating func writeCount(_ value: Int) {
    writeVarUInt(UInt64(max(0, value)))
  }

  /// Appends UTF-8 text given as bytes, as `writeString` does a `String`'s.
  public mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
    writeCount(utf8.count)
    bytes.append(contentsOf: utf8)
  }

  /// Appends `value` as a varint byte length followed by its UTF-8 bytes.
  public mutating func writeString(_ value: String) {
    let done: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
      writeCount(utf8.count)
      bytes.append(contentsOf: utf8)
    }
    if done != nil { return }
    var text = value
    text.withUTF8 { utf8 in
      writeCount(utf8.count)
      bytes.append(contentsOf: utf8)
    }
  }

  /// Appends raw bytes with no length prefix.
  public mutating func writeBytes(_ value: some Sequence<UInt8>) {
    bytes.append(contentsOf: value)
  }

  /// Appends a slice of raw bytes with no length prefix (one copy, no per-byte iteration).
  public mutating func writeBytes(_ value: ArraySlice<UInt8>) {
    bytes.append(contentsOf: value)
  }

  /// Appends raw bytes with no length prefix (one copy, no per-byte iteration).
  public mutating func writeBytes(_ value: UnsafeBufferPointer<UInt8>) {
    bytes.append(contentsOf: value)
  }

  /// Appends raw bytes with no length prefix (one copy, no per-byte iteration).
  public mutating func writeBytes(_ value: [UInt8]) {
    bytes.append(contentsOf: value)
  }
}

extension ByteWriter {
  /// Appends what `body` writes through a cursor over scratch space of `maxCount` bytes, with
  /// one append: a record of many small fields (an event) pays the array's checks once, not per
  /// field. Writing past `maxCount` stops the program.
  public mutating func writeRaw(maxCount: Int, _ body: (inout RawByteCursor) -> Void) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxCount) { scratch in
      var cursor = RawByteCursor(scratch)
      body(&cursor)
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<cursor.count]))
    }
  }
}

/// Writes the encodings of ``ByteWriter`` into fixed scratch space (see
/// ``ByteWriter/writeRaw(maxCount:_:)``).
public struct RawByteCursor {
  private let scratch: UnsafeMutableBufferPointer<UInt8>
  /// Bytes written so far.
  public private(set) var count = 0

  init(_ scratch: UnsafeMutableBufferPointer<UInt8>) {
    self.scratch = scratch
  }

  /// At most this many bytes a varint takes.
  public static let maxVarIntBytes = 10

  /// Appends one byte.
  @inline(__always)
  public mutating func writeUInt8(_ value: UInt8) {
    precondition(count < scratch.count, "RawByteCursor: written past its scratch space")
    scratch[count] = value
    count += 1
  }

  /// As ``ByteWriter/writeVarUInt(_:)``.
  @inline(__always)
  public mutating func writeVarUInt(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      writeUInt8(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    writeUInt8(UInt8(rest))
  }

  /// As ``ByteWriter/writeVarInt(_:)``.
  @inline(__always)
  public mutating func writeVarInt(_ value: Int64) {
    writeVarUInt(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
  }

  /// As ``ByteWriter/writeCount(_:)``.
  @inline(__always)
  public mutating func writeCount(_ value: Int) {
    writeVarUInt(UInt64(max(0, value)))
  }

  /// Appends raw bytes with no length prefix.
  @inline(__always)
  public mutating func writeBytes(_ value: UnsafeBufferPointer<UInt8>) {
    guard let source = value.baseAddress, !value.isEmpty else { return }
    precondition(value.count <= scratch.count - count, "RawByteCursor: written past its scratch space")
    (scratch.baseAddress! + count).update(from: source, count: value.count)
    count += value.count
  }

  /// As ``ByteWriter/writeString(utf8:)``.
  @inline(__always)
  public mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
    writeCount(utf8.count)
    writeBytes(utf8)
  }
}
