import Foundation
import LedgerEngine
import LedgerSQLite
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// SPEC §5, store identity: the marker, the ledger and the index carry one store id, and a store
/// that is not whole refuses to open instead of starting afresh over its history.
@Suite struct StoreIdentityTests {
  let directory: TemporaryDirectory
  var root: String { directory.file("data") }

  init() throws {
    directory = try TemporaryDirectory()
  }

  /// A store with one applied batch.
  func storeWithHistory() throws -> String {
    let h = try EngineHarness(root: root)
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    let id = try #require(h.workspace?.storeID)
    h.close()
    return id
  }

  func remove(_ name: String) throws {
    for suffix in ["", "-wal", "-shm"] where FileSystem.exists("\(root)/\(name)\(suffix)") {
      try FileSystem.remove("\(root)/\(name)\(suffix)")
    }
  }

  func openError(_ mode: Workspace.Mode) -> String? {
    do {
      _ = try Workspace(root: root, mode: mode)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func aNewStoreStampsItsLedgerAndIndexAndWritesTheMarkerLast() throws {
    let workspace = try Workspace(root: root, mode: .engine)
    let id = try #require(workspace.storeID)
    #expect(try workspace.context.ledger.storeID() == id)
    #expect(try workspace.context.keyIndex.storeID() == id)
    let marker = try #require(try StoreIdentity.readMarker(DataDirectory(root: root)))
    #expect(marker == StoreIdentity.Marker(storeID: id, format: 1))
    #expect(try Workspace(root: root, mode: .reader).storeID == id)
  }

  @Test func aMissingKeyIndexRefusesEveryModeAndCreatesNothing() throws {
    let id = try storeWithHistory()
    try remove("index.sqlite")
    for mode in [Workspace.Mode.engine, .reader, .operatorAction] {
      #expect(
        openError(mode)
          == "the key index \(root)/index.sqlite is missing from store \(id); the store is not whole and was not opened — restore the file from a backup, or re-create the ledger, the index and the parts from archive/ with `ledgerline rebuild`"
      )
    }
    #expect(!FileSystem.exists("\(root)/index.sqlite"))
  }

  @Test func aMissingLedgerRefusesAndLeavesThePartsAlone() throws {
    let id = try storeWithHistory()
    let parts = try FileSystem.list("\(root)/parts")
    try remove("ledger.sqlite")
    #expect(
      openError(.engine)?.hasPrefix("the workflow ledger \(root)/ledger.sqlite is missing from store \(id)") == true)
    #expect(!FileSystem.exists("\(root)/ledger.sqlite"))
    #expect(try FileSystem.list("\(root)/parts") == parts)
  }

  @Test func anIndexFromAnotherStoreIsRefused() throws {
    let id = try storeWithHistory()
    let other = directory.file("other")
    _ = try Workspace(root: other, mode: .engine)
    let otherID = try #require(try StoreIdentity.readMarker(DataDirectory(root: other))?.storeID)
    try remove("index.sqlite")
    try FileManager.default.copyItem(atPath: "\(other)/index.sqlite", toPath: "\(root)/index.sqlite")
    #expect(
      openError(.engine)
        == "the key index \(root)/index.sqlite belongs to store \(otherID), not to this data directory's store \(id); it was not opened — put back this store's file, or re-create the ledger, the index and the parts from archive/ with `ledgerline rebuild`"
    )
  }

  @Test func aNewEmptyIndexInPlaceOfTheOldOneIsRefused() throws {
    let id = try storeWithHistory()
    try remove("index.sqlite")
    _ = try SQLiteKeyIndex(path: "\(root)/index.sqlite")
    #expect(
      openError(.engine)?.hasPrefix(
        "the key index \(root)/index.sqlite carries no store id, but this data directory is store \(id)") == true)
  }

  @Test func archivedEvidenceWithoutAnyDatabaseIsNeverTakenForANewStore() throws {
    _ = try storeWithHistory()
    try remove("index.sqlite")
    try remove("ledger.sqlite")
    try remove("store.json")
    #expect(
      openError(.engine)?.hasPrefix("\(root) has 1 registered input file in archive/ but no workflow ledger") == true)
  }

  @Test func aMissingMarkerWithHistoryIsRefused() throws {
    let id = try storeWithHistory()
    try remove("store.json")
    #expect(
      openError(.engine)?.hasPrefix(
        "the store marker \(root)/store.json is missing while the ledger and the index of store \(id) hold history")
        == true)
  }

  @Test func aStoreInterruptedWhileBeingCreatedIsFinished() throws {
    let id = try #require(try Workspace(root: root, mode: .engine).storeID)
    try remove("store.json")  // as if the engine died before writing it
    #expect(try Workspace(root: root, mode: .engine).storeID == id)
    #expect(try StoreIdentity.readMarker(DataDirectory(root: root))?.storeID == id)
  }

  /// Killed between creating the ledger and the index of a new store: nothing was registered,
  /// so the next start finishes the creation.
  @Test func aStoreKilledBetweenItsTwoDatabasesIsFinished() throws {
    try DataDirectory(root: root).create()
    _ = try SQLiteWorkflowLedger(path: "\(root)/ledger.sqlite")
    let id = try #require(try Workspace(root: root, mode: .engine).storeID)
    #expect(try StoreIdentity.readMarker(DataDirectory(root: root))?.storeID == id)
    #expect(FileSystem.exists("\(root)/index.sqlite"))
  }

  @Test func aStoreFromBeforeIdentitiesIsAdopted() throws {
    try DataDirectory(root: root).create()
    let ledger = try SQLiteWorkflowLedger(path: "\(root)/ledger.sqlite")
    _ = try ledger.register(
      [NewInputBatch(source: "web", name: "a.jsonl", from: 0, to: 60, bytes: 0, archivePath: "x", scan: 1)], at: 1)
    _ = try SQLiteKeyIndex(path: "\(root)/index.sqlite")
    #expect(try Workspace(root: root, mode: .reader).storeID == nil)
    let id = try #require(try Workspace(root: root, mode: .engine).storeID)
    #expect(try StoreIdentity.readMarker(DataDirectory(root: root))?.storeID == id)
    #expect(try Workspace(root: root, mode: .reader).storeID == id)
  }

  /// A ledger whose file has no table and no write-ahead log beside it: replaced by an empty
  /// file, or its `-wal` (where every transaction since the last checkpoint lives) was lost.
  /// Reading it as "an old schema to upgrade" would have an engine give it new, empty tables;
  /// every mode refuses instead, naming the log, and the file is left as it was.
  @Test(arguments: ["header only", "zero bytes"])
  func aLedgerThatLostItsWriteAheadLogIsRefusedUntouched(_ emptied: String) throws {
    let id = try storeWithHistory()
    try remove("ledger.sqlite")
    if emptied == "zero bytes" {
      try FileSystem.writeAtomically([], to: "\(root)/ledger.sqlite")
    } else {
      // What a kill -9 before the first checkpoint leaves once the -wal is gone: a header page.
      let empty = directory.file("empty.sqlite")
      do { _ = try SQLiteDatabase(path: empty, mode: .readWrite) }
      try FileManager.default.copyItem(atPath: empty, toPath: "\(root)/ledger.sqlite")
    }
    let before = try FileSystem.readAll("\(root)/ledger.sqlite")
    for mode in [Workspace.Mode.engine, .reader, .operatorAction] {
      #expect(
        openError(mode)
          == "the workflow ledger \(root)/ledger.sqlite of store \(id) holds nothing: no table in the file and no write-ahead log beside it. The file was replaced by an empty one, or its write-ahead log (\(root)/ledger.sqlite-wal, which keeps the latest transactions until they are copied into the file) was lost. Nothing was opened or written — put back both files as they were, or re-create the ledger, the index and the parts from archive/ with `ledgerline rebuild`"
      )
    }
    #expect(try FileSystem.readAll("\(root)/ledger.sqlite") == before)
    #expect(!FileSystem.exists("\(root)/ledger.sqlite-wal"))
  }

  /// The same empty file with its write-ahead log beside it is a store whose transactions were
  /// never checkpointed (an engine killed early): it opens, with its history.
  @Test func aLedgerWhoseTransactionsAreAllInItsWriteAheadLogOpens() throws {
    let engine = try Workspace(root: root, mode: .engine)
    let id = try #require(engine.storeID)
    _ = try engine.context.ledger.register(
      [NewInputBatch(source: "web", name: "a.jsonl", from: 0, to: 60, bytes: 0, archivePath: "x", scan: 1)], at: 1)
    // A copy taken while the engine runs, as a kill -9 leaves it: the files, the log beside them.
    let copy = directory.file("copy")
    try FileManager.default.copyItem(atPath: root, toPath: copy)
    let file = try FileSystem.readAll("\(copy)/ledger.sqlite")
    try #require(file.count < 44 || file[40..<44].allSatisfy { $0 == 0 }, "the copy's file has no schema yet")
    try #require(try FileSystem.size(of: "\(copy)/ledger.sqlite-wal") > 32, "its log holds the transactions")
    let reader = try Workspace(root: copy, mode: .reader)
    #expect(reader.storeID == id)
    #expect(try reader.context.ledger.ungroupedInputBatches().map(\.batch.name) == ["a.jsonl"])
  }
}
