import Foundation
import Glibc
import LedgerDomain
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// SPEC §2, inbox integrity: only regular files are batches, evidence is fingerprinted and
/// verified, repeated content is refused, and nothing in the inbox is skipped silently.
@Suite struct InboxIntegrityTests {
  static let first = "20261127T100000Z_20261127T101500Z.jsonl"
  static let second = "20261127T101500Z_20261127T103000Z.jsonl"

  func scanner(_ h: EngineHarness) throws -> InboxScanner {
    let context = try h.context()
    return InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: h.clock)
  }

  @Test func aSymbolicLinkIsRefusedWithoutReadingItsTarget() throws {
    let h = try EngineHarness()
    let secret = "\(h.root)/outside.txt"
    try "root:x:0:0:root:/root:/bin/bash\n".write(toFile: secret, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: "\(h.root)/inbox/web", withIntermediateDirectories: true)
    #expect(symlink(secret, "\(h.root)/inbox/web/\(Self.first)") == 0)
    try h.runUntilIdle()
    let refusal = try #require(try h.context().ledger.refusals(limit: 10).first)
    #expect(refusal.reason.contains("it is a symbolic link, not a regular file, and was not read"))
    #expect(try h.context().ledger.inputBatches(source: "web").isEmpty)
    #expect(!FileManager.default.fileExists(atPath: "\(h.root)/rejects/0000000001.jsonl"))
    #expect(try String(contentsOfFile: secret, encoding: .utf8).hasPrefix("root:x"))
  }

  @Test func aFIFONeverWedgesTheEngineAndOtherSourcesProceed() throws {
    let h = try EngineHarness()
    try FileManager.default.createDirectory(atPath: "\(h.root)/inbox/web", withIntermediateDirectories: true)
    #expect(mkfifo("\(h.root)/inbox/web/\(Self.first)", 0o600) == 0)
    try h.deliver(source: "shop", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "2.00")])
    try h.runUntilIdle()
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 200)
    let refusal = try #require(try h.context().ledger.refusals(limit: 10).first)
    #expect(refusal.reason.contains("FIFO (named pipe)"))
  }

  @Test func aLinkedSourceFolderIsIgnoredAndItsFilesStayWhereTheyAre() throws {
    let h = try EngineHarness()
    let outside = "\(h.root)/elsewhere"
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try eventLine(id: "e1", order: "o1", amount: "1.00").write(
      toFile: "\(outside)/\(Self.first)", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: "\(h.root)/inbox", withIntermediateDirectories: true)
    #expect(symlink(outside, "\(h.root)/inbox/linked") == 0)
    try "notes".write(toFile: "\(h.root)/inbox/README.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
      atPath: "\(h.root)/inbox/web/\(Self.second)", withIntermediateDirectories: true)
    let result = try scanner(h).scan()
    #expect(
      result.ignored == [
        .init(path: "inbox/README.txt", reason: "not in a source folder: batches go in inbox/<source>/"),
        .init(path: "inbox/linked", reason: "a symbolic link, not a source folder: never followed"),
        .init(path: "inbox/web/\(Self.second)", reason: "a folder: a batch is a file"),
      ])
    #expect(result.registered.isEmpty && result.refused.isEmpty)
    // `status` lists the same entries without changing anything.
    #expect(try InboxScanner.ignoredEntries(inbox: "\(h.root)/inbox") == result.ignored)
    #expect(FileManager.default.fileExists(atPath: "\(outside)/\(Self.first)"))
  }

  @Test func theRegistrationRecordsSizeAndSHA256() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: Self.first, lines: ["x"])
    let record = try #require(try scanner(h).scan().registered.first)
    #expect(record.batch.bytes == 2)
    #expect(record.batch.sha256 == SHA256Vectors.xNewline)
  }

  /// Lines appended after registration (a producer still writing into the file that moved to
  /// the archive) are never half-applied: the batch stops, naming the file, before any line.
  @Test func anArchivedFileThatChangedStopsItsBatchBeforeAnyLineIsApplied() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    _ = try scanner(h).scan()
    let archived = "\(h.root)/archive/web/\(Self.first)"
    let handle = try #require(FileHandle(forWritingAtPath: archived))
    handle.seekToEndOfFile()
    handle.write(Data((eventLine(id: "e2", order: "o1", amount: "5.00") + "\n").utf8))
    try handle.close()
    try Self.expectStoppedBeforeAnyLine(h)
  }

  /// The batch of `first` stopped at reduce as corrupt data, naming the archived file, and
  /// nothing of it was applied.
  static func expectStoppedBeforeAnyLine(_ h: EngineHarness) throws {
    let report = try h.runUntilIdle()
    let failed = try #require(report.failed.first)
    #expect(failed.stage == .reduce)
    #expect(failed.lastErrorKind == .corruptData)
    #expect(failed.lastError?.contains("archive/web/\(first) is not the file registered as input 1") == true)
    #expect(try h.artifacts().isEmpty)
  }

  /// A byte changed in place (same size: only the SHA-256 tells) is found while the file is
  /// decoded beside the check: the batch stops before anything decoded is written.
  @Test func anArchivedFileChangedInPlaceStopsItsBatchThoughItWasDecoded() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    _ = try scanner(h).scan()
    let archived = "\(h.root)/archive/web/\(Self.first)"
    var bytes = try #require(FileManager.default.contents(atPath: archived))
    let digit = try #require(bytes.lastIndex(of: UInt8(ascii: "1")))
    bytes[digit] = UInt8(ascii: "9")
    try bytes.write(to: URL(fileURLWithPath: archived))
    try Self.expectStoppedBeforeAnyLine(h)
    #expect(try FileSystem.listIfPresent("\(h.root)/parts").filter { $0.hasPrefix("s-") }.isEmpty)
  }

  @Test func theSameBytesUnderANewIntervalAreRefusedAsADuplicate() throws {
    let h = try EngineHarness()
    // The seed's positional CSV: re-sent, its ids would differ, so content decides.
    try h.deliver(
      source: "legacy", name: "20261127T100000Z_20261127T101500Z.csv", lines: ["order_id,amount", "1001,10.00"])
    try h.runUntilIdle()
    try h.deliver(
      source: "legacy", name: "20261127T101500Z_20261127T103000Z.csv", lines: ["order_id,amount", "1001,10.00"])
    try h.runUntilIdle()
    #expect(try h.artifacts()["1001"]?.summary.totals[.usd]?.balance == 1000)
    let refusal = try #require(try h.context().ledger.refusals(limit: 10).first)
    #expect(
      refusal.reason.contains(
        "its content is byte for byte the registered batch \"legacy/20261127T100000Z_20261127T101500Z.csv\""))
  }

  @Test func emptyBatchesOfDifferentIntervalsAreNotDuplicates() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: Self.first, bytes: [])
    try h.deliver(source: "web", name: Self.second, bytes: [])
    let result = try scanner(h).scan()
    #expect(result.registered.count == 2)
    #expect(result.refused.isEmpty)
  }

  /// A producer writing under the final name, pausing between lines longer than a scan: while
  /// it holds the file open for writing, the file waits; once closed, all of it is registered.
  @Test func aFileHeldOpenForWritingWaitsUntilItsWriterClosesIt() throws {
    let h = try EngineHarness()
    let path = "\(h.root)/inbox/web/\(Self.first)"
    try FileSystem.makeDirectories("\(h.root)/inbox/web")
    let writer = try #require(
      FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
    writer.write(Data((eventLine(id: "e1", order: "o1", amount: "1.00") + "\n").utf8))
    let probe = try FileSystem.open(path, O_RDONLY | O_NONBLOCK)
    let leases = FileSystem.isOpenForWriting(probe) != nil
    FileSystem.close(probe)
    guard leases else {
      try writer.close()
      print("SKIPPED aFileHeldOpenForWritingWaitsUntilItsWriterClosesIt: no leases on this file system (\(h.root))")
      return
    }
    let early = try scanner(h).scan()
    #expect(early.registered.isEmpty)
    #expect(early.waiting == ["web/\(Self.first)"])
    writer.write(Data((eventLine(id: "e2", order: "o1", amount: "5.00") + "\n").utf8))
    try writer.close()
    let done = try scanner(h).scan()
    #expect(done.registered.map(\.batch.name) == [Self.first])
    try h.runUntilIdle()
    #expect(try h.artifacts()["o1"]?.lines.map(\.id) == ["e1", "e2"])
  }

  /// A quiet source sends files that hold no event: a CSV header alone, blank lines. They carry
  /// nothing that could count twice, so equal bytes are not a duplicate, and the source's
  /// watermark moves on. A header followed by a record still is one.
  @Test func filesThatHoldNoEventsAreNotDuplicatesOfEachOther() throws {
    let h = try EngineHarness()
    let csv = ["20261127T100000Z_20261127T101500Z.csv", "20261127T101500Z_20261127T103000Z.csv"]
    try h.deliver(source: "legacy", name: csv[0], bytes: Array("\u{FEFF}order_id,amount\r\n".utf8))
    try h.deliver(source: "legacy", name: csv[1], bytes: Array("\u{FEFF}order_id,amount\r\n".utf8))
    try h.deliver(source: "web", name: Self.first, bytes: Array("\n \r\n".utf8))
    try h.deliver(source: "web", name: Self.second, bytes: Array("\n \r\n".utf8))
    let quiet = try scanner(h).scan()
    #expect(quiet.registered.count == 4)
    #expect(quiet.refused.isEmpty, "\(quiet.refused)")
    let third = "20261127T103000Z_20261127T104500Z.csv"
    let fourth = "20261127T104500Z_20261127T110000Z.csv"
    try h.deliver(source: "legacy", name: third, bytes: Array("order_id,amount\n1001,10.00\n".utf8))
    try h.deliver(source: "legacy", name: fourth, bytes: Array("order_id,amount\n1001,10.00\n".utf8))
    let busy = try scanner(h).scan()
    #expect(busy.registered.map(\.batch.name) == [third])
    #expect(busy.refused.map(\.name) == [fourth])
  }

  /// A registered name comes back while its archived copy is gone: only the very same bytes
  /// (the engine stopped between registering and moving) are moved into the archive.
  @Test func aRedeliveredNameWhoseArchiveIsGoneIsRefusedUnlessItIsTheSameFile() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    _ = try scanner(h).scan()
    let archived = "\(h.root)/archive/web/\(Self.first)"
    try FileManager.default.removeItem(atPath: archived)
    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e9", order: "o1", amount: "99.00")])
    let changed = try scanner(h).scan()
    #expect(changed.refused.first?.reason.contains("these bytes differ from the ones registered") == true)
    #expect(!FileManager.default.fileExists(atPath: archived))

    try h.deliver(source: "web", name: Self.first, lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    let same = try scanner(h).scan()
    #expect(same.refused.isEmpty && same.registered.isEmpty)
    #expect(FileManager.default.fileExists(atPath: archived))
  }
}

enum SHA256Vectors {
  /// SHA-256 of "x\n".
  static let xNewline = "73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac"
}

/// A file appended to while it is read is never registered half-read.
@Suite struct InboxFingerprintTests {
  @Test func aFileThatGrowsWhileItIsReadWaitsForTheNextScan() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: InboxIntegrityTests.first, lines: ["{}"])
    let path = "\(h.root)/inbox/web/\(InboxIntegrityTests.first)"
    let grown = try InboxScanner.fingerprint(path) {
      let handle = FileHandle(forWritingAtPath: path)
      handle?.seekToEndOfFile()
      handle?.write(Data("{}\n".utf8))
      try? handle?.close()
    }
    #expect(grown == nil)
    let settled = try #require(try InboxScanner.fingerprint(path))
    #expect(settled.bytes == 6)
  }
}

@Suite struct FailureClassifierTests {
  @Test func classifiesByTypeAndCodeNeverByText() {
    let busy = FileSystemError(operation: "read", path: "/busy", errno: EIO)
    #expect(FailureClassifier.classify(busy, stage: .reduce).kind == .transientIO)
    let corrupt = StorageError.checksumMismatch(part: "a.part", offset: 0, length: 16, stored: 1, computed: 2)
    #expect(FailureClassifier.classify(corrupt, stage: .prefetch).kind == .corruptData)
    let held = StorageError.engineLockHeld(directory: "/d", pid: 1)
    #expect(FailureClassifier.classify(held, stage: .index).kind == .contention)
    struct Unknown: Error, CustomStringConvertible { var description: String { "database is busy" } }
    #expect(FailureClassifier.classify(Unknown(), stage: .process).kind == .internalError)
    let identity = StoreIdentityError.missing(piece: .index, path: "/d/index.sqlite", storeID: nil)
    #expect(FailureClassifier.classify(identity, stage: .index).kind == .corruptData)
  }
}
