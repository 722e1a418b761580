/// Text of rejected input for people: the excerpt stored with a ``Rejection`` and the values
/// quoted inside a ``RejectReason``.
enum RejectExcerpt {
  /// A rejection's excerpt holds at most this many UTF-8 bytes.
  static let excerptLimit = 512
  /// A value quoted in a reject reason holds at most this many UTF-8 bytes before `…`.
  static let valueLimit = 64

  /// `bytes` lossily decoded (ill-formed UTF-8 becomes U+FFFD), at most 512 UTF-8 bytes, cut
  /// at a character boundary.
  static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    prefix(bytes, limit: excerptLimit).text
  }

  /// A field value for a reject reason: lossily decoded; longer than 64 bytes, it is cut at a
  /// character boundary and ends with `…`.
  static func value(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let (text, truncated) = prefix(bytes, limit: valueLimit)
    return truncated ? text + "…" : text
  }

  /// See ``value(_:)-(UnsafeBufferPointer<UInt8>)``.
  static func value(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBufferPointer { value($0) }
  }

  private static func prefix(
    _ bytes: UnsafeBufferPointer<UInt8>, limit: Int
  ) -> (text: String, truncated: Bool) {
    var end = min(bytes.count, limit)
    if end < bytes.count {
      // Do not cut a sequence in two: back off over continuation bytes to its lead byte.
      var back = end
      while back > 0, end - back < 3, bytes[back] & 0xC0 == 0x80 { back -= 1 }
      if bytes[back] & 0xC0 != 0x80 { end = back }
    }
    let truncated = end < bytes.count
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
    guard text.utf8.count > limit else { return (text, truncated) }
    // Replacement characters (3 bytes each) can make the text longer than its input.
    var kept = String.UnicodeScalarView()
    var size = 0
    for scalar in text.unicodeScalars {
      size += UTF8.width(scalar)
      if size > limit { break }
      kept.append(scalar)
    }
    return (String(kept), true)
  }
}
