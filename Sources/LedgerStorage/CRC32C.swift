import CLedgerCRC

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the CPU's CRC-32C instruction where
/// there is one (x86-64 SSE4.2, AArch64 CRC32), else table-driven slicing-by-8.
///
/// `CRC32C.checksum(Array("123456789".utf8)) == 0xE3069283`. Feed data in pieces with
/// `update(_:)`; `value` is the checksum of everything fed so far.
public struct CRC32C: Sendable, Equatable {
  private var state: UInt32 = 0xFFFF_FFFF

  /// A checksum of no bytes.
  public init() {}

  /// The checksum of the bytes fed so far.
  public var value: UInt32 { ~state }

  /// Feeds `bytes`.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    state = CRC32C.advance(state, bytes)
  }

  /// Feeds `bytes`.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Feeds `bytes`.
  public mutating func update(_ bytes: ArraySlice<UInt8>) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// The checksum of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var crc = CRC32C()
    crc.update(bytes)
    return crc.value
  }

  /// The checksum of `bytes`.
  public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc = CRC32C()
    crc.update(bytes)
    return crc.value
  }

  /// Whether this CPU computes CRC-32C in hardware.
  public static let hardwareAvailable = ledger_crc32c_hardware_available() != 0

  private static func advance(_ start: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard hardwareAvailable, let base = bytes.baseAddress else { return softwareAdvance(start, bytes) }
    return ledger_crc32c_hardware_advance(start, base, bytes.count)
  }

  /// The checksum of `bytes` by the portable table code, whatever the CPU (tests compare the two).
  public static func softwareChecksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { ~softwareAdvance(0xFFFF_FFFF, $0) }
  }

  private static func softwareAdvance(_ start: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    table.withUnsafeBufferPointer { t in
      var crc = start
      var index = 0
      let count = bytes.count
      while index + 8 <= count {
        let low = bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian ^ crc
        let high = bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
        crc =
          t[7 &* 256 &+ Int(low & 0xFF)] ^ t[6 &* 256 &+ Int((low >> 8) & 0xFF)]
          ^ t[5 &* 256 &+ Int((low >> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(low >> 24)]
          ^ t[3 &* 256 &+ Int(high & 0xFF)] ^ t[2 &* 256 &+ Int((high >> 8) & 0xFF)]
          ^ t[1 &* 256 &+ Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
        index &+= 8
      }
      while index < count {
        crc = t[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
        index &+= 1
      }
      return crc
    }
  }

  /// Eight 256-entry tables, flattened: `table[k * 256 + b]` is byte `b` advanced by `k` zero bytes.
  private static let table: [UInt32] = {
    var table = [UInt32](repeating: 0, count: 8 * 256)
    for byte in 0..<256 {
      var crc = UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
      table[byte] = crc
    }
    for slice in 1..<8 {
      for byte in 0..<256 {
        let previous = table[(slice - 1) * 256 + byte]
        table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
      }
    }
    return table
  }()
}
