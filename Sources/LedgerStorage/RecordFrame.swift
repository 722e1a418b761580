/// The 16-byte frame around every record in a part file.
///
/// | bytes | content |
/// |---|---|
/// | 0–3 | magic `LLRC` |
/// | 4 | format version (1) |
/// | 5 | record type (`RecordType`) |
/// | 6–7 | reserved, 0 |
/// | 8–11 | payload length, u32 little-endian |
/// | 12–15 | CRC32C over bytes 4..<12, then the payload, u32 little-endian |
///
/// The payload follows. An `ArtifactLocation` covers the whole frame: header plus payload.
public enum RecordFrame {
  /// Size of the frame header in bytes.
  public static let headerSize = 16
  /// The magic bytes `LLRC`.
  public static let magic: [UInt8] = [0x4C, 0x4C, 0x52, 0x43]
  /// The format version this build writes and reads.
  public static let formatVersion: UInt8 = 1
  /// The largest payload whose frame length still fits in `ArtifactLocation.length` (Int32).
  public static let maxPayloadLength = Int(Int32.max) - headerSize

  /// Appends the frame header for `payload` of `type` to `out` (no intermediate arrays: part
  /// writers call this for every record).
  public static func appendHeader(type: RecordType, payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    withUnsafeBytes(of: header(type: type, payload: payload)) { out.append(contentsOf: $0) }
  }

  /// Writes the frame header for `payload` of `type` into the 16 bytes of `slot`.
  public static func writeHeader(
    type: RecordType, payload: UnsafeRawBufferPointer, into slot: UnsafeMutableRawBufferPointer
  ) {
    precondition(slot.count == headerSize, "a frame header takes \(headerSize) bytes")
    withUnsafeBytes(of: header(type: type, payload: payload)) { slot.copyMemory(from: $0) }
  }

  /// The 16 header bytes as two little-endian words: magic and the fields' low half, then their
  /// high half and the checksum.
  private static func header(type: RecordType, payload: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
    // Bytes 4..<12 as one little-endian word: version, type, two reserved zeros, u32 length.
    let fields =
      UInt64(formatVersion) | UInt64(type.rawValue) << 8 | UInt64(UInt32(truncatingIfNeeded: payload.count)) << 32
    var crc = CRC32C()
    withUnsafeBytes(of: fields.littleEndian) { crc.update($0) }
    crc.update(payload)
    return ((magicLE | fields << 32).littleEndian, (fields >> 32 | UInt64(crc.value) << 32).littleEndian)
  }

  /// `magic` read as a little-endian number.
  private static let magicLE: UInt64 = 0x4352_4C4C

  /// CRC32C over header bytes 4..<12 followed by the payload.
  static func checksum(headerFields: ArraySlice<UInt8>, payload: UnsafeRawBufferPointer) -> UInt32 {
    var crc = CRC32C()
    crc.update(headerFields)
    crc.update(payload)
    return crc.value
  }

  /// The decoded fields of a frame header.
  struct Header {
    var version: UInt8
    var type: UInt8
    var payloadLength: Int64
    var storedChecksum: UInt32
  }

  /// Parses the 16 header bytes at `frame[start...]`, checking only the magic.
  static func parseHeader(
    _ frame: [UInt8], start: Int = 0, part: String, offset: Int64
  ) throws(StorageError) -> Header {
    guard frame[start..<start + 4].elementsEqual(magic) else {
      throw .badMagic(part: part, offset: offset, found: Array(frame[start..<start + 4]))
    }
    return Header(
      version: frame[start + 4], type: frame[start + 5],
      payloadLength: Int64(littleEndian32(frame, start + 8)),
      storedChecksum: littleEndian32(frame, start + 12))
  }

  /// Verifies `frame[start..<start + headerSize + header.payloadLength]` — checksum, then version
  /// and type — and returns the record type.
  static func verify(
    _ frame: [UInt8], start: Int = 0, header: Header, part: String, offset: Int64
  ) throws(StorageError) -> RecordType {
    let payloadStart = start + headerSize
    let payloadEnd = payloadStart + Int(header.payloadLength)
    let computed = frame.withUnsafeBytes { raw in
      checksum(
        headerFields: frame[start + 4..<start + 12],
        payload: UnsafeRawBufferPointer(rebasing: raw[payloadStart..<payloadEnd]))
    }
    guard computed == header.storedChecksum else {
      throw .checksumMismatch(
        part: part, offset: offset, length: Int32(clamping: payloadEnd - start),
        stored: header.storedChecksum, computed: computed)
    }
    guard header.version == formatVersion else {
      throw .unsupportedFormatVersion(part: part, offset: offset, version: header.version)
    }
    guard let type = RecordType(rawValue: header.type) else {
      throw .unknownRecordType(part: part, offset: offset, type: header.type)
    }
    return type
  }

  private static func littleEndian32(_ bytes: [UInt8], _ start: Int) -> UInt32 {
    UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16
      | UInt32(bytes[start + 3]) << 24
  }
}
