import Foundation
import LedgerDomain
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// One big file on every core: a JSON Lines file split into line-aligned ranges decodes to the
/// very bytes one pass gives — stateless parts, rejects and counts — with physical line numbers.
@Suite struct ParallelDecodeTests {
  /// A JSON Lines batch that exercises range boundaries: keys repeated far apart, bad lines,
  /// blank lines, a byte order mark, a long line, and no final newline.
  static func jsonLines() -> [UInt8] {
    var lines: [String] = []
    for n in 0..<400 {
      switch n % 37 {
      case 5: lines.append("not json \(n)")
      case 11: lines.append("")
      case 13: lines.append("   ")
      case 17: lines.append(eventLine(id: "e\(n)", order: "o\(n % 23)", amount: "1.001"))  // too many digits
      case 19:
        lines.append(
          eventLine(
            id: "e\(n)", order: "o\(n % 23)", amount: "2.00",
            extra: ",\"memo\":\"\(String(repeating: "x", count: 300))\""))
      default: lines.append(eventLine(id: "e\(n)", order: "o\(n % 23)", amount: "\(n).25"))
      }
    }
    return [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\n").utf8)
  }

  /// A CSV batch with quoted newlines (decoded in one pass whatever the settings).
  static func csv() -> [UInt8] {
    var text = "id,order_id,amount,memo\n"
    for n in 0..<60 { text += "c\(n),o\(n % 7),\(n).00,\"line one\nline \(n)\"\n" }
    return Array(text.utf8)
  }

  /// Reduces the same two inputs with `reducer`'s settings; returns every stateless part's bytes
  /// and the rejects file.
  static func reduce(rangeBytes: Int, maxRanges: Int, workers: Int = 2) throws -> (
    parts: [String: [UInt8]], rejects: String, counts: JobCounts, units: Int
  ) {
    let h = try EngineHarness(storage: .inMemory)
    try h.deliver(source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl", bytes: jsonLines())
    try h.deliver(source: "pos", name: "20261127T100000Z_20261127T101500Z.csv", bytes: csv())
    let context = try h.context()
    let scanned = try InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: h.clock
    ).scan()
    let job = try context.ledger.createJob(
      inputs: scanned.registered.map(\.id), partitions: context.partitions, at: h.clock.nowMillis())
    let reducer = StatelessReducer(
      context: context, rangeBytes: rangeBytes, maxRanges: maxRanges, workers: workers)
    let files = try scanned.registered.map { try MappedFile(path: "\(h.root)/\($0.batch.archivePath)") }
    let units = try reducer.units(scanned.registered, files).count
    let output = try reducer.run(job: job)
    var parts: [String: [UInt8]] = [:]
    for name in try FileSystem.list(context.paths.parts) where name.hasPrefix("s-") {
      parts[name] = try FileSystem.readAll("\(context.paths.parts)/\(name)")
    }
    let rejects = try FileSystem.readText("\(context.paths.rejects)/\(PartNames.rejects(job: job.seq))")
    return (parts, rejects, output.counts, units)
  }

  @Test func splitDecodeGivesTheBytesOfOnePass() throws {
    let whole = try Self.reduce(rangeBytes: 1 << 30, maxRanges: 1)
    let split = try Self.reduce(rangeBytes: 512, maxRanges: 13)
    #expect(whole.units == 2)
    #expect(split.units == 14)  // 13 ranges of the JSON Lines file, the CSV file whole
    #expect(split.parts == whole.parts)
    #expect(split.rejects == whole.rejects)
    #expect(split.counts == whole.counts)
    #expect(whole.counts.events == 400 - 11 - 11 - 11 + 0 - 11 + 60)
    // Physical line numbers survive the split: line 6 is "not json 5" (the BOM is on line 1).
    #expect(split.rejects.contains(#""file":"20261127T100000Z_20261127T101500Z.jsonl","line":6,"#))
  }

  /// Ranges shrink towards the end of the file (each a share of what is left), none is planned
  /// under the minimum, and there are never more than `maxRanges`.
  @Test(arguments: [
    (1_000_000, 2, 1000, 16), (1_000_000, 8, 1000, 64), (10_000, 2, 4000, 16), (1 << 30, 2, 1 << 22, 16),
  ])
  func guidedCutsShrinkAndStayWithinTheLimits(total: Int, workers: Int, minimum: Int, maxRanges: Int) {
    let cuts = StatelessReducer.guidedCuts(total: total, workers: workers, minimum: minimum, maxRanges: maxRanges)
    let sizes = zip([0] + cuts, cuts + [total]).map { $1 - $0 }
    #expect(sizes.count <= maxRanges)
    #expect(sizes.allSatisfy { $0 > 0 })
    #expect(sizes.dropLast().allSatisfy { $0 >= minimum })
    #expect(zip(sizes.dropLast(), sizes.dropLast().dropFirst()).allSatisfy { $0 >= $1 })
    #expect(sizes.first.map { $0 <= max(minimum, total / (2 * workers)) } == true)
    if sizes.count < maxRanges { #expect(sizes.last.map { $0 <= minimum } == true) }
  }

  @Test func rangesStartAtALineAndCoverEveryByteOnce() {
    let bytes = Array("a\nbb\n\nccc\ndddd".utf8)
    bytes.withUnsafeBufferPointer { buffer in
      for count in 1...8 {
        let cuts = (1..<count).map { bytes.count * $0 / count }
        let ranges = JSONLinesBatchDecoder.lineAlignedRanges(buffer, cuts: cuts)
        #expect(ranges.first?.lowerBound == 0)
        #expect(ranges.last?.upperBound == bytes.count)
        for (a, b) in zip(ranges, ranges.dropFirst()) {
          #expect(a.upperBound == b.lowerBound)
          #expect(bytes[b.lowerBound - 1] == UInt8(ascii: "\n"))
        }
        #expect(ranges.map { JSONLinesBatchDecoder.newlines(in: buffer, range: $0) }.reduce(0, +) == 4)
      }
    }
  }
}
