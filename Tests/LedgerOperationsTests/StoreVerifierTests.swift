import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// Issue 12, "nothing lost, nothing doubled": `StoreVerifier` reads every live record and every
/// archived input of a real SQLite store and names each problem it finds.
@Suite struct StoreVerifierTests {
  static let first = "20261127T100000Z_20261127T101500Z.jsonl"
  static let second = "20261127T101500Z_20261127T103000Z.jsonl"

  /// Two jobs on the default SQLite storage: o1 gets lines from both (two segments) and a
  /// re-sent event that must stay a single line; o2 and o3 get one each.
  let harness: EngineHarness

  init() throws {
    harness = try EngineHarness()
    try harness.deliver(
      source: "shop", name: Self.first,
      lines: [
        eventLine(id: "e1", order: "o1", amount: "10.00"),
        eventLine(id: "e2", order: "o2", amount: "5.00"),
        eventLine(id: "e3", order: "o3", kind: "refund", amount: "-1.00"),
      ])
    try harness.runUntilIdle()
    try harness.deliver(
      source: "web", name: Self.second,
      lines: [
        eventLine(id: "e4", order: "o1", amount: "2.50"),
        eventLine(id: "e1", order: "o1", amount: "10.00"),
      ])
    try harness.runUntilIdle()
    harness.close()
  }

  /// A read-only workspace, as `ledgerline verify` opens the store.
  func reader() throws -> Workspace {
    try Workspace(root: harness.root, mode: .reader)
  }

  func verify(listLimit: Int = 100) throws -> StoreVerification {
    try StoreVerifier(context: try reader().context, listLimit: listLimit).run()
  }

  func entry(_ order: String) throws -> IndexEntry {
    try #require(try reader().context.keyIndex.entry(for: order))
  }

  func segments(_ order: String) throws -> [SegmentRef] {
    let context = try reader().context
    return try ArtifactStore.summary(at: try entry(order).location, context).segments
  }

  /// The artifact parts that hold records (process also publishes empty ones).
  /// The artifact parts holding at least one record (besides their store stamp).
  func artifactParts() throws -> [String] {
    let reader = PartFileReader(partsDirectory: harness.paths.parts)
    return try FileSystem.list(harness.paths.parts).filter { name in
      guard PartNames.isArtifactPart(name) else { return false }
      var records = 0
      try reader.forEachRecord(inPart: name) { _, _, _ in records += 1 }
      return records > 0
    }
  }

  /// Inverts the byte at `offset` of `file` (relative to the data directory).
  func flipByte(at offset: Int64, in file: String) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: "\(harness.root)/\(file)"))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: [byte ^ 0xFF])
  }

  @Test func aCleanStoreIsWholeAndSaysWhatItChecked() throws {
    let report = try verify()
    #expect(report.problems == [] && report.notices == [])
    #expect(report.isWhole)
    #expect(report.artifacts == 3)
    #expect(report.segments == 4)
    #expect(report.partFiles == (try artifactParts().count))
    #expect(report.inputBatches == 2)
    #expect(
      report.text() == """
        checked \(harness.root): 3 artifacts, 4 line segments in \(report.partFiles) part files, 2 archived input batches
        the store is whole: every live record reads back and adds up, every archived input matches its record

        """)
    let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
    #expect(json?["whole"] as? Bool == true)
    #expect(json?["problem_count"] as? Int == 0)
  }

  enum Record: String, CaseIterable, Sendable { case summary, segment }

  @Test(arguments: Record.allCases)
  func aFlippedByteInALiveRecordIsFoundNamingTheOrderAndThePart(_ record: Record) throws {
    let location = record == .summary ? try entry("o2").location : try #require(try segments("o1").first).location
    let order = record == .summary ? "o2" : "o1"
    try flipByte(at: location.offset + 20, in: "parts/\(location.part)")
    let report = try verify()
    #expect(!report.isWhole)
    #expect(report.problemCount == 1)
    let problem = try #require(report.problems.first)
    #expect(problem.kind == .corruptRecord)
    #expect(problem.file == "parts/\(location.part)")
    #expect(problem.offset == location.offset)
    #expect(problem.orderID == order)
    #expect(problem.message.hasPrefix("checksum mismatch in part \(location.part) at offset \(location.offset) "))
    #expect(report.text().hasSuffix("the store is NOT whole: 1 problem (above)\n"))
  }

  @Test func everyProblemIsCountedButOnlyTheFirstAreListed() throws {
    for order in ["o2", "o3"] {
      let location = try entry(order).location
      try flipByte(at: location.offset + 16, in: "parts/\(location.part)")
    }
    let report = try verify(listLimit: 1)
    #expect(report.problemCount == 2)
    #expect(report.problems.map(\.orderID) == ["o2"])
    #expect(report.text().contains("\n… and 1 more problem not listed\n"))
  }

  @Test func aDeletedPartFileIsFoundWithTheArtifactsThatNeedIt() throws {
    let part = try entry("o2").location.part
    var needing: [String] = []
    for order in ["o1", "o2", "o3"] {
      let parts = [try entry(order).location.part] + (try segments(order).map(\.location.part))
      if parts.contains(part) { needing.append(order) }
    }
    try FileSystem.remove("\(harness.paths.parts)/\(part)")
    let report = try verify()
    #expect(report.problemCount == 1)
    let problem = try #require(report.problems.first)
    #expect(problem.kind == .missingPart)
    #expect(problem.file == "parts/\(part)")
    #expect(problem.orderID == needing.first)
    let others = needing.count > 1 ? " and \(needing.count - 1) more" : ""
    let verb = needing.count == 1 ? "points" : "point"
    #expect(
      problem.message.hasPrefix(
        "the part file is missing; \(needing.count) artifact\(needing.count == 1 ? "" : "s") (order \(needing[0])\(others)) \(verb) at it; restore it from a backup"
      ))
  }

  /// Intact records (valid frames and checksums) that do not add up.
  enum Tamper: String, CaseIterable, Sendable { case totals, doubledLine, otherOrdersRecord }

  /// Writes `o2`'s summary changed by `tamper` to a new part and moves `o2`'s index entry to it,
  /// as compaction moves entries; returns the new location.
  func tamper(_ tamper: Tamper) throws -> ArtifactLocation {
    let operatorView = try Workspace(root: harness.root, mode: .operatorAction)
    let context = operatorView.context
    let current = try entry("o2")
    var stored = try ArtifactStore.summary(at: current.location, context)
    let usd = try #require(stored.summary.totals[.usd])
    let target: ArtifactLocation
    switch tamper {
    case .totals, .doubledLine:
      if tamper == .totals {
        stored.summary.totals[.usd] = CurrencyTotals(balance: usd.balance + 1, debits: usd.debits + 1, credits: 0)
      } else {
        stored.segments += stored.segments
        stored.summary.lineCount *= 2
        stored.summary.totals[.usd] = CurrencyTotals(balance: usd.balance * 2, debits: usd.debits * 2, credits: 0)
      }
      let writer = try PartFileWriter(partsDirectory: harness.paths.parts, name: "c-0000000007-0.part")
      target = try writer.append(type: .artifactSummary, payload: ArtifactCodec.encode(stored))
      try writer.finish()
    case .otherOrdersRecord:
      target = try entry("o3").location
    }
    let moved = try context.keyIndex.relocate([
      KeyRelocation(orderID: "o2", version: current.version, from: current.location, to: target)
    ])
    try #require(moved == 1)
    return target
  }

  @Test(arguments: Tamper.allCases)
  func intactRecordsThatDoNotAddUpAreFound(_ change: Tamper) throws {
    let location = try tamper(change)
    let report = try verify()
    #expect(report.problemCount == 1, "\(report.problems)")
    let problem = try #require(report.problems.first)
    #expect(problem.kind == .inconsistentArtifact)
    #expect(problem.file == "parts/\(location.part)")
    #expect(problem.offset == location.offset)
    #expect(problem.orderID == "o2")
    let expected =
      switch change {
      case .totals:
        "the summary's USD totals (balance 5.01, debits 5.01, credits 0.00) are not the sum of its lines (balance 5.00, debits 5.00, credits 0.00)"
      case .doubledLine: "1 line repeats an earlier line's event id (\"e2\"): doubled"
      case .otherOrdersRecord: "the summary belongs to order \"o3\"; the key index points at the wrong record"
      }
    #expect(problem.message.hasPrefix(expected + "; the records are intact but do not agree"), "\(problem.message)")
  }

  enum ArchiveChange: String, CaseIterable, Sendable { case appended, sameSizeOtherBytes }

  @Test(arguments: ArchiveChange.allCases)
  func aModifiedArchiveFileIsFoundWithItsSizeAndDigest(_ change: ArchiveChange) throws {
    let file = "archive/shop/\(Self.first)"
    let path = "\(harness.root)/\(file)"
    let original = try FileSystem.readAll(path)
    var changed = original
    switch change {
    case .appended: changed += Array("{}\n".utf8)
    case .sameSizeOtherBytes: changed[changed.count - 3] ^= 0x01
    }
    try FileSystem.writeAtomically(changed, to: path)
    let report = try verify()
    #expect(report.problemCount == 1)
    let problem = try #require(report.problems.first)
    #expect(problem.kind == .archiveMismatch)
    #expect(problem.file == file)
    #expect(problem.inputBatch == 1)
    let found = changed.withUnsafeBytes { SHA256.hex(of: $0) }
    let recorded = original.withUnsafeBytes { SHA256.hex(of: $0) }
    #expect(
      problem.message
        == "the file is not the one registered: \(changed.count) bytes with SHA-256 \(found), registered \(original.count) bytes with SHA-256 \(recorded); restore the original from its producer"
    )
  }

  @Test func aMissingArchiveFileIsAProblem() throws {
    try FileSystem.remove("\(harness.root)/archive/web/\(Self.second)")
    let report = try verify()
    #expect(report.problems.map(\.kind) == [.missingArchive])
    #expect(report.problems.first?.file == "archive/web/\(Self.second)")
    #expect(report.problems.first?.inputBatch == 2)
  }

  @Test func anUnreferencedPartIsANoticeNotAProblem() throws {
    let copy = "a-0000000042-0.part"
    let source = try #require(try artifactParts().first)
    try FileSystem.writeAtomically(
      try FileSystem.readAll("\(harness.paths.parts)/\(source)"), to: "\(harness.paths.parts)/\(copy)")
    let report = try verify()
    #expect(report.isWhole)
    #expect(report.problemCount == 0)
    #expect(report.noticeCount == 1)
    let notice = try #require(report.notices.first)
    #expect(notice.kind == .unreferencedPart)
    #expect(notice.file == "parts/\(copy)")
    #expect(report.text().hasSuffix("matches its record (1 notice)\n"))
  }

  /// A processed job whose index stage failed has parts no entry references yet: they are in
  /// flight, not garbage, and not worth a notice.
  @Test func partsOfAJobNotYetIndexedAreNeitherProblemsNorNotices() throws {
    try harness.deliver(
      source: "shop", name: "20261127T103000Z_20261127T104500Z.jsonl",
      lines: [eventLine(id: "e5", order: "o4", amount: "7.00")])
    try harness.runUntilIdle(faults: try FaultInjector.parse("index:job=3:permanent").get())
    harness.close()
    #expect(try artifactParts().contains { $0.hasPrefix("a-0000000003-") })
    let report = try verify()
    #expect(report.problems == [] && report.notices == [])
    #expect(report.artifacts == 3)
    #expect(report.inputBatches == 3)
  }

  /// A batch registered before fingerprints were kept (no SHA-256): its size is checked, and
  /// the report says that is all it could check.
  @Test(arguments: [true, false])
  func aBatchWithoutAFingerprintIsCheckedBySizeOnly(sizeMatches: Bool) throws {
    let name = "20261127T090000Z_20261127T091500Z.jsonl"
    let bytes = Array((eventLine(id: "old-1", order: "o9", amount: "1.00") + "\n").utf8)
    let operatorView = try Workspace(root: harness.root, mode: .operatorAction)
    let input = try #require(
      try operatorView.context.ledger.register(
        [
          NewInputBatch(
            source: "legacy", name: name, from: 1_795_000_000, to: 1_795_000_900,
            bytes: Int64(bytes.count) + (sizeMatches ? 0 : 1), archivePath: "archive/legacy/\(name)", scan: 9)
        ], at: 0
      ).first)
    try FileSystem.makeDirectories("\(harness.root)/archive/legacy")
    try FileSystem.writeAtomically(bytes, to: "\(harness.root)/archive/legacy/\(name)")
    let report = try verify()
    #expect(report.inputBatches == 3)
    let finding = try #require((report.problems + report.notices).first)
    #expect(finding.kind == (sizeMatches ? .sizeOnly : .archiveMismatch))
    #expect(finding.inputBatch == input.id)
    #expect(report.isWhole == sizeMatches)
    #expect(
      finding.message.hasPrefix(
        sizeMatches
          ? "size checked only (\(bytes.count) bytes)"
          : "the file has \(bytes.count) bytes, registered \(bytes.count + 1)"))
  }
}
