import Testing

@testable import LedgerStorage

struct CRC32CTests {
  /// Bit-at-a-time reference implementation.
  static func reference(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
  }

  static let vectors: [([UInt8], UInt32)] = [
    (Array("123456789".utf8), 0xE306_9283),
    ([UInt8](), 0),
    ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
    ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
    ((0..<32).map { UInt8($0) }, 0x46DD_794E),
    ((0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C),
  ]

  @Test(arguments: vectors)
  func matchesKnownVectors(bytes: [UInt8], expected: UInt32) {
    #expect(CRC32C.checksum(bytes) == expected)
  }

  @Test(arguments: vectors)
  func portableTableCodeMatchesKnownVectors(bytes: [UInt8], expected: UInt32) {
    #expect(CRC32C.softwareChecksum(bytes) == expected)
  }

  /// Whichever path `checksum` takes on this CPU (hardware here when `hardwareAvailable`), it
  /// agrees with the bit-at-a-time reference at every length and alignment.
  @Test func checksumAgreesWithTheReferenceAtEveryLengthAndOffset() {
    let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
    for offset in 0..<9 {
      for length in stride(from: 0, through: bytes.count - offset, by: 7) {
        let slice = Array(bytes[offset..<(offset + length)])
        #expect(CRC32C.checksum(slice) == Self.reference(slice), "offset \(offset), length \(length)")
        #expect(CRC32C.softwareChecksum(slice) == Self.reference(slice))
      }
    }
  }

  @Test func incrementalUpdatesMatchOneShotAtEverySplit() {
    let bytes = (0..<67).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let whole = CRC32C.checksum(bytes)
    #expect(whole == Self.reference(bytes))
    for split in 0...bytes.count {
      var crc = CRC32C()
      crc.update(bytes[..<split])
      crc.update(bytes[split...])
      #expect(crc.value == whole, "split at \(split)")
    }
  }
}
