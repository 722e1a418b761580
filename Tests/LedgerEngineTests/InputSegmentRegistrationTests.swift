import Foundation
import LedgerDomain
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// A large JSON Lines file is registered with its segments, fingerprinted in the same read as
/// its SHA-256; the ledger and the registration journal keep them. Smaller files, and CSV files
/// (whose records may hold newlines), are one piece.
struct InputSegmentRegistrationTests {
  static let big = "20261127T100000Z_20261127T101500Z.jsonl"
  static let small = "20261127T101500Z_20261127T103000Z.jsonl"
  static let csv = "20261127T103000Z_20261127T104500Z.csv"

  @Test func aLargeJSONLinesFileIsRegisteredWithItsSegments() throws {
    let h = try EngineHarness()
    let lines = (1...200).map { n in
      #"{"id":"e\#(n)","order_id":"o\#(n % 17)","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#
    }
    try h.deliver(source: "web", name: Self.big, lines: lines)
    try h.deliver(source: "web", name: Self.small, lines: Array(lines.prefix(3)))
    try h.deliver(
      source: "web", name: Self.csv,
      bytes: Array(
        ("id,order_id,kind,amount,currency,ts\n" + String(repeating: "x,o,charge,1,USD,t\n", count: 200)).utf8))
    let context = try h.context()
    let scanner = InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: h.clock, segmentBytes: 2_000)
    let result = try scanner.scan()
    #expect(result.registered.count == 3)

    let stored = try context.ledger.inputBatches(source: "web")
    let big = try #require(stored.first { $0.batch.name == Self.big })
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(context.paths.root)/\(big.batch.archivePath)")))
    let segments = big.batch.segments
    #expect(segments.count == bytes.count / 2_000 || segments.count == bytes.count / 2_000 + 1)
    #expect(segments.first?.byteFrom == 0 && segments.last?.byteTo == Int64(bytes.count))
    for (a, b) in zip(segments, segments.dropFirst()) { #expect(a.byteTo == b.byteFrom) }
    for segment in segments {
      let piece = Array(bytes[Int(segment.byteFrom)..<Int(segment.byteTo)])
      #expect(segment.sha256 == piece.withUnsafeBytes { SHA256.hex(of: $0) })
      #expect(segment.firstLine == Int64(bytes[..<Int(segment.byteFrom)].filter { $0 == 0x0A }.count + 1))
    }
    #expect(big.batch.sha256 == bytes.withUnsafeBytes { SHA256.hex(of: $0) })
    #expect(stored.first { $0.batch.name == Self.small }?.batch.segments == [])
    #expect(stored.first { $0.batch.name == Self.csv }?.batch.segments == [])
    #expect(result.registered.first { $0.batch.name == Self.big }?.batch.segments == segments)
    #expect(try context.ledger.inputBatches(ids: [big.id]).first?.batch.segments == segments)

    // The journal keeps them for a rebuild.
    let journal = try RegistrationJournal(archive: context.paths.archive).entries()
    #expect(journal.first { $0.name == Self.big }?.batch.segments == segments)
    #expect(journal.first { $0.name == Self.small }?.segments == nil)
  }
}
