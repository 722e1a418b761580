import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerPostgres

/// The store id stamps of the PostgreSQL pieces, as the existing `StoreIdentity` logic uses them.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
struct PostgresStoreIdentityTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  @Test func theLedgerAndTheIndexInOneSchemaKeepTheirOwnStamps() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let ledger = try PostgresWorkflowLedger(location: location)
    let index = try PostgresKeyIndex(location: location)
    try ledger.stamp(storeID: "store-a")
    #expect(try index.storeID() == nil)
    try index.stamp(storeID: "store-b")
    #expect(try ledger.storeID() == "store-a" && index.storeID() == "store-b")
    // Reopened, they still say so.
    #expect(try PostgresWorkflowLedger(location: location).storeID() == "store-a")
    #expect(try PostgresKeyIndex(location: location).storeID() == "store-b")
  }

  @Test func aDatabaseStampedForAnotherStoreIsRefused() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let ledger = try PostgresWorkflowLedger(location: location)
    let index = try PostgresKeyIndex(location: location)
    try ledger.stamp(storeID: "store-a")
    try index.stamp(storeID: "store-a")
    let data = DataDirectory(root: directory.path)
    let refused = try #require(throws: StoreIdentityError.self) {
      try StoreIdentity.settle(
        .existing(StoreIdentity.Marker(storeID: "store-b", format: StoreIdentity.formatVersion)), directory: data,
        ledger: ledger, index: index, ledgerHasBatches: { false }, mayWrite: true, newID: { "unused" })
    }
    guard case .foreign(let piece, _, let found, let expected) = refused else {
      Issue.record("\(refused)")
      return
    }
    #expect(piece == .ledger && found == "store-a" && expected == "store-b")
    #expect(try ledger.storeID() == "store-a")
  }

  @Test func aNewStoreStampsBothPiecesAndRefusesPiecesOfTwoStores() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let ledger = try PostgresWorkflowLedger(location: location)
    let index = try PostgresKeyIndex(location: location)
    let data = DataDirectory(root: directory.path)
    let id = try StoreIdentity.settle(
      .create, directory: data, ledger: ledger, index: index, ledgerHasBatches: { false }, mayWrite: true,
      newID: { "store-new" })
    #expect(id == "store-new")
    #expect(try ledger.storeID() == "store-new" && index.storeID() == "store-new")
    let other = try PostgresTestServer.scratchSchema(removedWith: directory)
    let foreignIndex = try PostgresKeyIndex(location: other)
    try foreignIndex.stamp(storeID: "store-other")
    let refused = try #require(throws: StoreIdentityError.self) {
      try StoreIdentity.settle(
        .unmarked, directory: data, ledger: ledger, index: foreignIndex, ledgerHasBatches: { false }, mayWrite: true,
        newID: { "unused" })
    }
    guard case .foreign(.index, _, "store-other", "store-new") = refused else {
      Issue.record("\(refused)")
      return
    }
  }
}
