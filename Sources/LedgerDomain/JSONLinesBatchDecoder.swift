/// Splits a whole JSON Lines batch file into lines and decodes each (SPEC §2).
///
/// Lines are separated by `\n` and numbered from 1 (physical line numbers). A final line
/// without `\n` counts; the empty remainder after a final `\n` is not a line. A UTF-8 byte
/// order mark at the start of the file is ignored; blank lines (nothing but spaces, tabs or a
/// carriage return) are skipped and counted, never rejected (SPEC §2).
public struct JSONLinesBatchDecoder {
  /// The decoder applied to every line.
  public let decoder: EventDecoder
  /// The source the file belongs to (`inbox/<source>/`).
  public let source: String
  /// The batch file's name.
  public let file: String

  /// A batch decoder for `file` of `source`.
  public init(decoder: EventDecoder, source: String, file: String) {
    self.decoder = decoder
    self.source = source
    self.file = file
  }

  /// Calls `body` once per non-blank line, in order, with the event or its ``Rejection`` (whose
  /// excerpt is the line, lossily decoded, at most 512 bytes). Returns how many blank lines
  /// were skipped.
  @discardableResult
  public func decode(
    _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Result<Event, Rejection>) throws -> Void
  ) rethrows -> Int {
    var start = ByteOrderMark.length(at: bytes)
    var lineNumber = 1
    var blank = 0
    var members: [JSONScanner.Member] = []
    members.reserveCapacity(16)
    while start < bytes.count {
      let end = Self.newline(in: bytes, from: start)
      let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
      if BlankLine.isBlank(line) {
        blank += 1
        start = end + 1
        lineNumber += 1
        continue
      }
      let origin = EventOrigin(source: source, file: file, line: lineNumber)
      switch decoder.decodeJSONLine(line, origin: origin, reusing: &members) {
      case .success(let event):
        try body(.success(event))
      case .failure(let reason):
        try body(
          .failure(Rejection(origin: origin, reason: reason, excerpt: RejectExcerpt.excerpt(line))))
      }
      start = end + 1
      lineNumber += 1
    }
    return blank
  }

  /// The index of the next `\n` at or after `start`, or `bytes.count`.
  static func newline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    guard let base = bytes.baseAddress else { return start }
    var index = start
    // Eight bytes at a time: a word has a 0x0A byte iff (w ^ 0x0A..) has a zero byte.
    while index + 8 <= bytes.count {
      let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
      if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
      index += 8
    }
    while index < bytes.count, bytes[index] != 0x0A { index += 1 }
    return index
  }
}
