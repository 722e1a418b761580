import Testing

@testable import LedgerStorage

struct ByteCodecTests {
  @Test func fixedIntegersAreLittleEndian() throws {
    var writer = ByteWriter()
    writer.writeUInt16(0x0102)
    writer.writeUInt32(0x0304_0506)
    writer.writeUInt64(0x0708_090A_0B0C_0D0E)
    #expect(writer.bytes == [2, 1, 6, 5, 4, 3, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 9, 8, 7])
    var reader = ByteReader(writer.bytes, context: "test")
    #expect(try reader.readUInt16() == 0x0102)
    #expect(try reader.readUInt32() == 0x0304_0506)
    #expect(try reader.readUInt64() == 0x0708_090A_0B0C_0D0E)
    #expect(reader.isAtEnd)
  }

  static let unsignedCases: [(UInt64, [UInt8])] = [
    (0, [0]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
    (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
  ]

  @Test(arguments: unsignedCases)
  func unsignedVarintsUseLEB128(value: UInt64, encoded: [UInt8]) throws {
    var writer = ByteWriter()
    writer.writeVarUInt(value)
    #expect(writer.bytes == encoded)
    var reader = ByteReader(encoded, context: "test")
    #expect(try reader.readVarUInt() == value)
  }

  /// Every length a varint can take: values at and around each power of two up to 2^64 - 1,
  /// against LEB128 written byte by byte.
  @Test func varintsOfEveryLengthMatchLEB128() throws {
    func reference(_ value: UInt64) -> [UInt8] {
      var out: [UInt8] = []
      var rest = value
      repeat {
        out.append(UInt8(rest & 0x7F) | (rest >= 0x80 ? 0x80 : 0))
        rest >>= 7
      } while rest > 0
      return out
    }
    for shift in 0..<64 {
      for value in [UInt64(1) << shift - 1, UInt64(1) << shift, UInt64(1) << shift + 1, UInt64.max >> (63 - shift)] {
        var writer = ByteWriter()
        writer.writeVarUInt(value)
        #expect(writer.bytes == reference(value), "\(value)")
        var reader = ByteReader(writer.bytes, context: "test")
        #expect(try reader.readVarUInt() == value)
        #expect(reader.isAtEnd)
      }
    }
  }

  static let signedCases: [(Int64, [UInt8])] = [
    (0, [0]), (-1, [1]), (1, [2]), (-64, [0x7F]), (64, [0x80, 0x01]),
    (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
  ]

  @Test(arguments: signedCases)
  func signedVarintsUseZigzag(value: Int64, encoded: [UInt8]) throws {
    var writer = ByteWriter()
    writer.writeVarInt(value)
    #expect(writer.bytes == encoded)
    var reader = ByteReader(encoded, context: "test")
    #expect(try reader.readVarInt() == value)
  }

  @Test(arguments: ["", "ORD-1", "café ✓ 𝄞", "a\u{0}b"])
  func stringsRoundTrip(text: String) throws {
    var writer = ByteWriter()
    writer.writeString(text)
    var reader = ByteReader(writer.bytes, context: "test")
    #expect(try reader.readString() == text)
    try reader.expectEnd()
  }

  @Test func shortReadThrowsTruncatedWithPosition() throws {
    var reader = ByteReader([1, 2, 3], context: "artifact summary at p@0+19")
    _ = try reader.readUInt8()
    let error = try #require(throws: StorageError.self) { try reader.readUInt32() }
    #expect(error == .truncated(context: "artifact summary at p@0+19", offset: 1, needed: 4, available: 2))
    #expect(
      error.description
        == "truncated artifact summary at p@0+19: needed 4 bytes at byte 1, only 2 left; the record is corrupt — restore the file from a backup, or rebuild the store from archive/ (`ledgerline rebuild`)"
    )
  }

  @Test func varintLongerThan64BitsIsMalformed() throws {
    var reader = ByteReader([UInt8](repeating: 0xFF, count: 10) + [0x01], context: "test")
    let error = try #require(throws: StorageError.self) { try reader.readVarUInt() }
    #expect(error == .malformed(context: "test", offset: 0, detail: "varint overflows 64 bits"))
  }

  @Test func invalidUTF8StringIsMalformed() throws {
    var reader = ByteReader([2, 0xC3, 0x28], context: "test")
    let error = try #require(throws: StorageError.self) { try reader.readString() }
    #expect(error == .malformed(context: "test", offset: 1, detail: "string is not valid UTF-8"))
  }

  @Test func countLargerThanRemainingBytesIsMalformedNotAllocated() throws {
    var reader = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2], context: "test")
    let error = try #require(throws: StorageError.self) { try reader.readCount() }
    #expect(error == .malformed(context: "test", offset: 0, detail: "count 4294967295 cannot fit in the 2 bytes left"))
  }

  @Test func stringLengthPastEndIsTruncated() throws {
    var reader = ByteReader([5, 0x61], context: "test")
    #expect(throws: StorageError.self) { try reader.readString() }
  }
}
