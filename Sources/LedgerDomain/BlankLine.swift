/// Blank lines and the byte order mark: what both batch formats skip before any rule applies.
enum BlankLine {
  /// Whether `line` holds nothing but spaces, tabs and carriage returns (an empty line too).
  static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
    return true
  }
}

/// The UTF-8 byte order mark, ignored at the start of a batch file in both formats.
enum ByteOrderMark {
  /// 3 when `bytes` starts with EF BB BF, else 0.
  static func length(at bytes: UnsafeBufferPointer<UInt8>) -> Int {
    bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
  }
}
