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
    try decode(bytes, range: 0..<bytes.count, firstLine: 1, body)
  }

  /// Decodes the lines of `bytes[range]`, whose first line is physical line `firstLine` of the
  /// file; `range` starts at the file's start or just after a `\n` (see ``lineAlignedRanges(_:cuts:)``),
  /// so several ranges of one file decode in parallel to exactly what one pass gives. The byte
  /// order mark is skipped only at the file's start. Returns how many blank lines it skipped.
  @discardableResult
  public func decode(
    _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int,
    _ body: (Result<Event, Rejection>) throws -> Void
  ) rethrows -> Int {
    try decodeLines(bytes, range: range, firstLine: firstLine, body)
  }

  /// Like ``decode(_:range:firstLine:_:)``, but an accepted line is handed to `accepted` as its
  /// checked fields (valid only during the call) with its line number, not as an `Event`: what
  /// reduce encodes without building events. Returns how many blank lines it skipped.
  @discardableResult
  public func decodeChecked(
    _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int,
    accepted: (CheckedEvent, Int) -> Void, rejected: (Rejection) -> Void
  ) -> Int {
    var members: [JSONScanner.Member] = []
    members.reserveCapacity(16)
    var keys = PlainEventLine.KeyOrder()
    return forEachLine(bytes, range: range, firstLine: firstLine) { line, number in
      if let reason = decoder.checkJSONLine(line, reusing: &members, keys: &keys, { accepted($0, number) }) {
        let origin = EventOrigin(source: source, file: file, line: number)
        rejected(Rejection(origin: origin, reason: reason, excerpt: RejectExcerpt.excerpt(line)))
      }
    }
  }

  private func decodeLines(
    _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int,
    _ body: (Result<Event, Rejection>) throws -> Void
  ) rethrows -> Int {
    var members: [JSONScanner.Member] = []
    members.reserveCapacity(16)
    return try forEachLine(bytes, range: range, firstLine: firstLine) { line, number in
      let origin = EventOrigin(source: source, file: file, line: number)
      switch decoder.decodeJSONLine(line, origin: origin, reusing: &members) {
      case .success(let event):
        try body(.success(event))
      case .failure(let reason):
        try body(.failure(Rejection(origin: origin, reason: reason, excerpt: RejectExcerpt.excerpt(line))))
      }
    }
  }

  /// Calls `body` with every non-blank line of `bytes[range]` (without its `\n`) and its physical
  /// line number; returns how many blank lines it skipped. The byte order mark is skipped only
  /// at the file's start.
  private func forEachLine(
    _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int,
    _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
  ) rethrows -> Int {
    let slice = UnsafeBufferPointer(rebasing: bytes[..<range.upperBound])
    var start = range.lowerBound == 0 ? ByteOrderMark.length(at: bytes) : range.lowerBound
    var lineNumber = firstLine
    var blank = 0
    while start < slice.count {
      let end = Self.newline(in: slice, from: start)
      let line = UnsafeBufferPointer(rebasing: slice[start..<end])
      if BlankLine.isBlank(line) {
        blank += 1
      } else {
        try body(line, lineNumber)
      }
      start = end + 1
      lineNumber += 1
    }
    return blank
  }

  /// Splits `bytes` at the first line start at or after each of `cuts` (ascending offsets), each
  /// range starting at the file's start or just after a `\n`, together covering every byte once,
  /// in order; cuts that fall in the same line give one range.
  public static func lineAlignedRanges(_ bytes: UnsafeBufferPointer<UInt8>, cuts: [Int]) -> [Range<Int>] {
    guard bytes.count > 0 else { return [0..<0] }
    var ranges: [Range<Int>] = []
    var start = 0
    for cut in cuts {
      let target = max(start, cut)
      guard target < bytes.count else { break }
      let end = min(bytes.count, newline(in: bytes, from: target) + 1)
      if end > start && end < bytes.count {
        ranges.append(start..<end)
        start = end
      }
    }
    ranges.append(start..<bytes.count)
    return ranges
  }

  /// How many `\n` bytes `bytes[range]` holds.
  public static func newlines(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int {
    guard let base = bytes.baseAddress, !range.isEmpty else { return 0 }
    precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
    var count = 0
    var index = range.lowerBound
    // Sixteen bytes at a time: each lane of `lanes` counts the newlines seen at its position,
    // summed before any lane can pass 255.
    let newline = SIMD16<UInt8>(repeating: 0x0A)
    let one = SIMD16<UInt8>(repeating: 1)
    while index + 16 <= range.upperBound {
      var lanes = SIMD16<UInt8>()
      var words = 0
      while words < 255 && index + 16 <= range.upperBound {
        let chunk = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
        lanes &+= one & unsafeBitCast(chunk .== newline, to: SIMD16<UInt8>.self)
        index += 16
        words += 1
      }
      count += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
    }
    while index < range.upperBound {
      if base[index] == 0x0A { count += 1 }
      index += 1
    }
    return count
  }

  /// The index of the next `\n` at or after `start`, or `bytes.count`.
  static func newline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    guard let base = bytes.baseAddress else { return start }
    var index = start
    // Thirty-two bytes at a time: the lanes equal to `\n` are 0xFF, read back as four words, the
    // first non-zero word's lowest set byte is the first newline.
    let newline = SIMD32<UInt8>(repeating: 0x0A)
    while index + 32 <= bytes.count {
      let chunk = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD32<UInt8>.self)
      let lanes = unsafeBitCast(chunk .== newline, to: SIMD32<UInt8>.self)
      let words = unsafeBitCast(lanes, to: SIMD4<UInt64>.self)
      for word in 0..<4 where words[word] != 0 {
        return index + 8 * word + (UInt64(littleEndian: words[word]).trailingZeroBitCount >> 3)
      }
      index += 32
    }
    while index < bytes.count, bytes[index] != 0x0A { index += 1 }
    return index
  }
}
