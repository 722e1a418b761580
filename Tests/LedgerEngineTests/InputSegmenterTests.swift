import LedgerDomain
import LedgerStorage
import LedgerSystem
import Testing

@testable import LedgerEngine

/// A registered file's segments: line-aligned, covering the file, each with its first physical
/// line and its own SHA-256, whatever the chunks it was read in.
struct InputSegmenterTests {
  static func segments(_ bytes: [UInt8], segmentBytes: Int, chunk: Int) -> [InputSegment] {
    var segmenter = InputSegmenter(segmentBytes: segmentBytes)
    bytes.withUnsafeBufferPointer { all in
      var offset = 0
      while offset < all.count {
        let end = min(all.count, offset + chunk)
        segmenter.update(UnsafeBufferPointer(rebasing: all[offset..<end]))
        offset = end
      }
    }
    return segmenter.finish()
  }

  @Test(arguments: [1, 7, 64, 1 << 20])
  func segmentsAreLineAlignedHashedAndNumberedByLine(chunk: Int) {
    var random = SeededRandom(seed: UInt64(chunk))
    var text = ""
    for n in 0..<400 { text += String(repeating: "x", count: random.next(below: 90)) + "\(n)\n" }
    text += "last line without a newline"
    let bytes = Array(text.utf8)
    let found = Self.segments(bytes, segmentBytes: 1_000, chunk: chunk)
    #expect(found.count > 10)
    #expect(found.first?.byteFrom == 0 && found.last?.byteTo == Int64(bytes.count))
    for (a, b) in zip(found, found.dropFirst()) { #expect(a.byteTo == b.byteFrom) }
    for segment in found {
      let piece = Array(bytes[Int(segment.byteFrom)..<Int(segment.byteTo)])
      #expect(segment.sha256 == piece.withUnsafeBytes { SHA256.hex(of: $0) })
      // Each starts a line: its first line is one more than the newlines before it.
      let before = bytes[..<Int(segment.byteFrom)].filter { $0 == 0x0A }.count
      #expect(segment.firstLine == Int64(before + 1))
      #expect(segment.byteFrom == 0 || bytes[Int(segment.byteFrom) - 1] == 0x0A)
      if segment.byteTo < Int64(bytes.count) {
        // It ends after the first newline at or past the size from its start.
        #expect(segment.byteTo - segment.byteFrom > 1_000)
        #expect(!piece[1_000..<(piece.count - 1)].contains(0x0A))
      }
    }
    #expect(found == Self.segments(bytes, segmentBytes: 1_000, chunk: bytes.count))
  }

  @Test func aSmallOrEmptyFileIsOneSegment() {
    let small = Array("a\nb\n".utf8)
    #expect(
      Self.segments(small, segmentBytes: 1_000, chunk: 3) == [
        InputSegment(
          byteFrom: 0, byteTo: 4, firstLine: 1, sha256: small.withUnsafeBytes { SHA256.hex(of: $0) })
      ])
    #expect(
      Self.segments([], segmentBytes: 10, chunk: 3) == [
        InputSegment(byteFrom: 0, byteTo: 0, firstLine: 1, sha256: SHA256.hex(of: ""))
      ])
    // A file ending exactly at a segment's end has no empty segment after it.
    let exact = Array("0123456789\n".utf8)
    #expect(Self.segments(exact, segmentBytes: 10, chunk: 4).count == 1)
    #expect(Self.segments(exact + exact, segmentBytes: 10, chunk: 4).map(\.firstLine) == [1, 2])
  }
}
