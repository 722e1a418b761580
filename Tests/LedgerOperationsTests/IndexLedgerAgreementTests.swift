import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// SPEC §5: a store whose pieces disagree refuses to start. A key index restored from an older
/// backup carries the right store id; what gives it away is that the ledger has batches indexed
/// that the index never published (the next batch on such an order would build on the older
/// version and lose the newer lines). A ledger older than the index is refused the same way.
@Suite struct IndexLedgerAgreementTests {
  let directory: TemporaryDirectory
  var root: String { directory.file("data") }

  init() throws {
    directory = try TemporaryDirectory()
  }

  static func name(_ minute: Int) -> String {
    let from = (BatchInstant(basic: "20261127T100000Z")?.secondsSinceEpoch ?? 0) + Int64(minute) * 60
    return "\(BatchInstant(secondsSinceEpoch: from).basic)_\(BatchInstant(secondsSinceEpoch: from + 60).basic).jsonl"
  }

  /// Applies one batch on `o1` (the `n`-th) with a fresh engine, then closes it.
  func applyBatch(_ n: Int) throws {
    let h = try EngineHarness(root: root)
    try h.deliver(source: "web", name: Self.name(n), lines: [eventLine(id: "e\(n)", order: "o1", amount: "1.00")])
    #expect(try h.runUntilIdle().failed.isEmpty)
    h.close()
  }

  /// Copies the files of `pieces` (with their `-wal`/`-shm`, and `index-runs/` with the index)
  /// into `backup`, or back.
  func copy(_ pieces: [String], from: String, to: String) throws {
    try FileSystem.makeDirectories(to)
    for piece in pieces {
      for name in [piece, piece + "-wal", piece + "-shm"] {
        if FileSystem.exists("\(to)/\(name)") { try FileManager.default.removeItem(atPath: "\(to)/\(name)") }
        if FileSystem.exists("\(from)/\(name)") {
          try FileManager.default.copyItem(atPath: "\(from)/\(name)", toPath: "\(to)/\(name)")
        }
      }
      if piece == "index.sqlite" {
        if FileSystem.exists("\(to)/index-runs") { try FileManager.default.removeItem(atPath: "\(to)/index-runs") }
        try FileManager.default.copyItem(atPath: "\(from)/index-runs", toPath: "\(to)/index-runs")
      }
    }
  }

  func engineOpenError() -> (any Error)? {
    do {
      _ = try Workspace(root: root, mode: .engine)
      return nil
    } catch {
      return error
    }
  }

  @Test func anIndexRestoredFromAnOlderBackupIsRefusedAndVerifyListsIt() throws {
    try applyBatch(0)
    let backup = directory.file("backup")
    try copy(["index.sqlite"], from: root, to: backup)
    try applyBatch(1)
    try copy(["index.sqlite"], from: backup, to: root)

    let error = try #require(engineOpenError() as? StoreIdentityError)
    guard case .indexBehindLedger(_, let ledgerJob, let indexJob) = error else {
      Issue.record("expected the index behind the ledger, got \(error)")
      return
    }
    #expect(ledgerJob == 2 && indexJob == 1)
    #expect("\(error)".contains("the key index is older than the workflow ledger"))
    #expect("\(error)".contains("`ledgerline rebuild`"))
    // Read commands still open it, and verify says what is wrong.
    let reader = try Workspace(root: root, mode: .reader)
    let report = try StoreVerifier(context: reader.context).run()
    #expect(report.problems.contains { $0.kind == .indexLedgerMismatch })
  }

  @Test func aLedgerRestoredFromAnOlderBackupIsRefused() throws {
    try applyBatch(0)
    let backup = directory.file("backup")
    try copy(["ledger.sqlite"], from: root, to: backup)
    try applyBatch(1)
    try copy(["ledger.sqlite"], from: backup, to: root)

    let error = try #require(engineOpenError() as? StoreIdentityError)
    guard case .ledgerBehindIndex(_, let indexJob, let newestJob) = error else {
      Issue.record("expected the ledger behind the index, got \(error)")
      return
    }
    #expect(indexJob == 2 && newestJob == 1)
  }

  /// `index-runs/` restored alone from an older backup: `index.sqlite` lists runs that are not
  /// there. The engine refuses at start (before, only the first batch to read one failed, and a
  /// run with nothing to do exited 0); verify lists it and still checks the archive.
  @Test func runsRestoredAloneAreRefusedAtStartAndVerifyStillChecksTheRest() throws {
    try applyBatch(0)
    let backup = directory.file("backup")
    try FileManager.default.copyItem(atPath: "\(root)/index-runs", toPath: backup)
    try applyBatch(1)
    try FileManager.default.removeItem(atPath: "\(root)/index-runs")
    try FileManager.default.copyItem(atPath: backup, toPath: "\(root)/index-runs")

    let error = try #require(engineOpenError() as? StorageError)
    guard case .missingIndexRun = error else {
      Issue.record("expected a missing run, got \(error)")
      return
    }
    let reader = try Workspace(root: root, mode: .reader)
    let report = try StoreVerifier(context: reader.context).run()
    let finding = try #require(report.problems.first { $0.kind == .unreadableIndex })
    #expect(finding.file.hasPrefix("index-runs/"), "\(finding)")
    #expect(finding.message.contains("the live records were not checked"))
    #expect(report.inputBatches == 2, "the archive is checked all the same")
  }

  @Test func aWholeStoreOpensAndVerifiesClean() throws {
    try applyBatch(0)
    try applyBatch(1)
    #expect(engineOpenError() == nil)
    let reader = try Workspace(root: root, mode: .reader)
    #expect(try reader.context.keyIndex.publishedThrough() == [0: 2, 1: 2, 2: 2, 3: 2])
    let report = try StoreVerifier(context: reader.context).run()
    #expect(!report.problems.contains { $0.kind == .indexLedgerMismatch })
  }
}
