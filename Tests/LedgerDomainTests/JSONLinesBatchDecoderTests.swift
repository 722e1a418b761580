import Testing

@testable import LedgerDomain

@Suite struct JSONLinesBatchDecoderTests {
  let file = "20261127T100000Z_20261127T101500Z.jsonl"

  func run(_ text: String) -> [Result<Event, Rejection>] {
    run(bytes: Array(text.utf8))
  }

  func run(bytes: [UInt8]) -> [Result<Event, Rejection>] {
    let batch = JSONLinesBatchDecoder(decoder: EventDecoder(), source: "shop", file: file)
    return collect(bytes) { buffer, body in batch.decode(buffer, body) }
  }

  /// The line splitter reads 32 bytes at a time: from every start, it finds the first `\n` at
  /// or after it, wherever it falls in a block (first byte, last byte, several in one block,
  /// none before the end), as a byte-by-byte search does.
  @Test(arguments: [UInt64(1), 2, 3])
  func findsTheNextNewlineFromEveryStart(seed: UInt64) {
    var random = SeededRandom(seed: seed)
    let bytes: [UInt8] = (0..<300).map { _ in
      switch random.next(below: 10) {
      case 0: 0x0A
      case 1: 0x8A  // a newline with the high bit set: not one
      default: UInt8(truncatingIfNeeded: 0x20 + random.next(below: 90))
      }
    }
    bytes.withUnsafeBufferPointer { buffer in
      for length in [0, 1, 31, 32, 33, 64, 299, 300] {
        let prefix = UnsafeBufferPointer(rebasing: buffer[..<length])
        var wrong: [Int] = []
        for start in 0...length {
          let expected = prefix[start...].firstIndex(of: 0x0A) ?? length
          if JSONLinesBatchDecoder.newline(in: prefix, from: start) != expected { wrong.append(start) }
        }
        #expect(wrong.isEmpty, "length \(length): wrong from \(wrong.prefix(5))")
      }
    }
  }

  @Test func decodesEveryLineWithItsPhysicalLineNumber() {
    let results = run(eventLine(["id": #""a""#]) + "\n" + eventLine(["id": #""b""#]) + "\n")
    #expect(results.map { $0.event?.id } == ["a", "b"])
    #expect(
      results.map { $0.event?.origin } == [
        EventOrigin(source: "shop", file: file, line: 1), EventOrigin(source: "shop", file: file, line: 2),
      ])
  }

  @Test func countsAFinalLineWithoutNewline() {
    let results = run(eventLine(["id": #""a""#]) + "\n" + eventLine(["id": #""b""#]))
    #expect(results.map { $0.event?.id } == ["a", "b"])
  }

  @Test func treatsAnEmptyFileAsAnEmptyBatch() {
    #expect(run("").isEmpty)
  }

  @Test func skipsBlankLinesKeepingPhysicalLineNumbersAndCountsThem() {
    let text = eventLine(["id": #""a""#]) + "\n\n  \t\r\n" + eventLine(["id": #""c""#]) + "\n"
    var blank = -1
    let batch = JSONLinesBatchDecoder(decoder: EventDecoder(), source: "shop", file: file)
    let results = collect(Array(text.utf8)) { buffer, body in blank = batch.decode(buffer, body) }
    #expect(results.map { $0.event?.id } == ["a", "c"])
    #expect(results.map { $0.event?.origin.line } == [1, 4])
    #expect(blank == 2)
  }

  @Test func aLoneNewlineIsOneBlankLineAndNoEvent() {
    #expect(run("\n").isEmpty)
  }

  @Test func ignoresAByteOrderMarkAtTheStartOnly() {
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let first = run(bytes: bom + Array((eventLine(["id": #""a""#]) + "\n").utf8))
    #expect(first.map { $0.event?.id } == ["a"])
    #expect(first.first?.event?.origin.line == 1)
    // A mark anywhere else is not whitespace: the line is not JSON.
    let second = run(bytes: Array((eventLine(["id": #""a""#]) + "\n").utf8) + bom + Array(eventLine().utf8))
    #expect(second.count == 2)
    #expect(second[1].rejection != nil)
  }

  @Test func rejectsBadLinesWithTheirTextAndProcessesTheRest() {
    let results = run(bytes: Array("{\"id\":1}\n".utf8) + [0xFF, 0x41, 0x0A] + Array(eventLine().utf8))
    #expect(results[0].rejection?.reason == .wrongType(field: "id", expected: "a string"))
    #expect(results[0].rejection?.excerpt == #"{"id":1}"#)
    #expect(results[1].rejection?.reason == .invalidUTF8(byteOffset: 0))
    #expect(results[1].rejection?.excerpt == "\u{FFFD}A")
    #expect(results[2].event?.origin.line == 3)
  }

  @Test func acceptsCRLFLineEndings() {
    let results = run(eventLine(["id": #""a""#]) + "\r\n" + eventLine(["id": #""b""#]) + "\r\n")
    #expect(results.map { $0.event?.id } == ["a", "b"])
  }

  @Test func cutsTheExcerptOfALongLineTo512BytesAtACharacterBoundary() {
    let line = "{\"memo\":\"" + String(repeating: "€", count: 30_000) + "\"}"
    let excerpt = run(line)[0].rejection?.excerpt ?? ""
    #expect(excerpt.utf8.count == 510)
    #expect(excerpt == "{\"memo\":\"" + String(repeating: "€", count: 167))
    #expect(run(line)[0].rejection?.reason == .lineTooLong(bytes: 90_011))
  }

  @Test func keepsTheExcerptOfInvalidBytesWithin512Bytes() {
    let results = run(bytes: Array(repeating: 0xFF, count: 600))
    #expect(results[0].rejection?.excerpt == String(repeating: "\u{FFFD}", count: 170))
  }

  @Test func passesErrorsThrownByTheBodyThrough() {
    struct Stop: Error {}
    let batch = JSONLinesBatchDecoder(decoder: EventDecoder(), source: "shop", file: file)
    var seen = 0
    let bytes = Array((eventLine() + "\n" + eventLine()).utf8)
    #expect(throws: Stop.self) {
      try bytes.withUnsafeBufferPointer { buffer in
        try batch.decode(buffer) { _ in
          seen += 1
          throw Stop()
        }
      }
    }
    #expect(seen == 1)
  }

  @Test func newlinesAreCountedExactlyInAnyRange() {
    var random = SystemRandomNumberGenerator()
    // Bytes next to 0x0A in value and in bits, so a word trick that borrows or carries between
    // bytes would miscount.
    let alphabet: [UInt8] = [0x0A, 0x0A, 0x0B, 0x09, 0x8A, 0x0A, 0x00, 0xFF, 0x61, 0x7F, 0x80, 0x1A, 0x4A]
    for _ in 0..<400 {
      let bytes = (0..<Int.random(in: 0...(Bool.random(using: &random) ? 80 : 9_000), using: &random)).map { _ in
        alphabet.randomElement(using: &random)!
      }
      let lower = Int.random(in: 0...bytes.count, using: &random)
      let upper = Int.random(in: lower...bytes.count, using: &random)
      let expected = bytes[lower..<upper].filter { $0 == 0x0A }.count
      bytes.withUnsafeBufferPointer { buffer in
        #expect(
          JSONLinesBatchDecoder.newlines(in: buffer, range: lower..<upper) == expected, "\(bytes) \(lower)..<\(upper)")
      }
    }
    // Every byte a newline, past the point where one lane has counted 255 of them.
    let allNewlines = [UInt8](repeating: 0x0A, count: 16 * 255 * 3 + 7)
    allNewlines.withUnsafeBufferPointer { buffer in
      #expect(JSONLinesBatchDecoder.newlines(in: buffer, range: 0..<buffer.count) == allNewlines.count)
      #expect(JSONLinesBatchDecoder.newlines(in: buffer, range: 5..<buffer.count - 3) == allNewlines.count - 8)
    }
  }
}
