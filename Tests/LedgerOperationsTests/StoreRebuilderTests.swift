import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// `ledgerline rebuild`: the ledger and the index re-created from archive/ give the same
/// artifacts (lines, order, balances, status) as the original run.
@Suite struct StoreRebuilderTests {
  let directory: TemporaryDirectory
  var root: String { directory.file("data") }

  init() throws {
    directory = try TemporaryDirectory()
  }

  /// Every artifact with its version and lines: what must survive a rebuild (locations are
  /// physical and may change).
  static func content(_ root: String) throws -> [String] {
    let workspace = try Workspace(root: root, mode: .reader)
    var out: [String] = []
    try ArtifactQuery(context: workspace.context).forEach(withLines: true) { view in
      let lines = view.lines.map { "\($0.id)|\($0.kind)|\($0.amount)|\($0.currency.code)|\($0.origin)" }
      out.append(
        "\(view.summary.orderID) v\(view.entry.version) \(view.summary.totals) [\(lines.joined(separator: ", "))]")
    }
    return out
  }

  /// Batches in an order a rebuild must keep: a late file with an earlier interval, a copy of
  /// an event that differs (the first copy wins), a correction.
  func originalRun() throws {
    let h = try EngineHarness(root: root)
    try h.deliver(
      source: "web", name: "20261127T101500Z_20261127T103000Z.jsonl",
      lines: [
        eventLine(id: "e1", order: "o1", amount: "10.00"), eventLine(id: "e2", order: "o2", amount: "5.00"),
      ])
    try h.runUntilIdle()
    // Arrives later, covers an earlier interval of another source, repeats e1 with another amount.
    try h.deliver(
      source: "shop", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [
        eventLine(id: "e1", order: "o1", amount: "99.00"), eventLine(id: "e3", order: "o1", amount: "-2.50"),
      ])
    try h.runUntilIdle()
    let actions = OperatorActions(context: try h.context(), auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    _ = try actions.submitCorrection(
      CorrectionRequest(orderID: "o2", amount: "-1.00", currency: "USD", reason: "fee", author: "ann")
    ).get()
    try h.runUntilIdle()
    h.close()
  }

  @Test func rebuildingAfterLosingBothDatabasesGivesTheSameArtifacts() throws {
    try originalRun()
    let before = try Self.content(root)
    #expect(before.count == 2)
    for name in [
      "ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm", "index.sqlite", "index.sqlite-wal", "index.sqlite-shm",
    ] {
      try FileSystem.remove("\(root)/\(name)")
    }
    #expect(throws: StoreIdentityError.self) { try Workspace(root: root, mode: .reader) }
    let report = try StoreRebuilder(root: root).run()
    #expect(report.batches == 3)
    #expect(report.unjournaled == 0)
    #expect(report.failed.isEmpty)
    #expect(try Self.content(root) == before)
    #expect(FileSystem.exists(report.backup + "/parts"))
    let reader = try Workspace(root: root, mode: .reader)
    #expect(reader.storeID == report.storeID)
    let verification = try StoreVerifier(context: reader.context).run()
    #expect(verification.isWhole, "\(verification.problems)")
  }

  /// An input set aside when the databases were lost stays aside after the rebuild.
  @Test func aQuarantinedInputStaysAsideThroughARebuild() throws {
    try originalRun()
    let h = try EngineHarness(root: root)
    try h.deliver(
      source: "web", name: "20261127T103000Z_20261127T104500Z.jsonl",
      lines: [eventLine(id: "q1", order: "o9", amount: "5.00")])
    try h.deliver(
      source: "shop", name: "20261127T101500Z_20261127T103000Z.jsonl",
      lines: [eventLine(id: "q2", order: "o8", amount: "6.00")])
    let context = try h.context()
    _ = try InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: h.clock
    ).scan()
    let poisoned = "\(root)/archive/web/20261127T103000Z_20261127T104500Z.jsonl"
    let original = try FileSystem.readAll(poisoned)
    try FileSystem.writeAtomically(Array("tampered\n".utf8), to: poisoned)
    let failed = try #require(try h.runUntilIdle().failed.first)
    let actions = OperatorActions(context: context, auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    _ = try actions.quarantine(job: failed.seq, input: "web/20261127T103000Z_20261127T104500Z.jsonl").get()
    try h.runUntilIdle()
    try FileSystem.writeAtomically(original, to: poisoned)
    h.close()
    let before = try Self.content(root)
    #expect(before.contains { $0.hasPrefix("o8 ") } && !before.contains { $0.hasPrefix("o9 ") })
    for name in [
      "ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm", "index.sqlite", "index.sqlite-wal", "index.sqlite-shm",
    ] {
      try FileSystem.remove("\(root)/\(name)")
    }
    _ = try StoreRebuilder(root: root).run()
    #expect(try Self.content(root) == before)
    let quarantined = try Workspace(root: root, mode: .reader).context.ledger.quarantinedInputBatches()
    #expect(quarantined.map(\.batch.name) == ["20261127T103000Z_20261127T104500Z.jsonl"])
  }

  @Test func aChangedArchiveFileStopsTheRebuildBeforeAnythingMoves() throws {
    try originalRun()
    let archived = "\(root)/archive/web/20261127T101500Z_20261127T103000Z.jsonl"
    try FileSystem.writeAtomically(Array("{}\n".utf8), to: archived)
    #expect(throws: StoreRebuildError.self) { try StoreRebuilder(root: root).run() }
    #expect(FileSystem.exists("\(root)/ledger.sqlite"))
    #expect(try FileSystem.list(root).filter { $0.hasPrefix("rebuild-") }.isEmpty)
  }

  @Test func theJournalKeepsTheFirstLineOfEachBatchAndIgnoresATornTail() throws {
    try FileSystem.makeDirectories(directory.file("archive"))
    let journal = RegistrationJournal(archive: directory.file("archive"))
    let a = NewInputBatch(source: "web", name: "a", from: 0, to: 1, bytes: 1, archivePath: "", scan: 1, sha256: "x")
    let b = NewInputBatch(source: "web", name: "b", from: 1, to: 2, bytes: 1, archivePath: "", scan: 2, sha256: "y")
    try journal.append([a, b, a])
    let handle = try #require(FileHandle(forWritingAtPath: journal.path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"source":"web","na"#.utf8))
    try handle.close()
    #expect(try journal.entries().map(\.name) == ["a", "b"])
    #expect(try journal.entries().first?.batch.archivePath == "archive/web/a")
  }
}
