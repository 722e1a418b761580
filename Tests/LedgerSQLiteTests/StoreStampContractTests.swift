import LedgerStorage
import LedgerTesting
import Testing

/// The `StoreStamped` contract of both pieces, on every backend: a piece starts unstamped, is
/// stamped once, takes the same id again harmlessly, and refuses another store's id (naming
/// itself) without changing.
@Suite struct StoreStampContractTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  @Test(arguments: Backend.available)
  func aPieceIsStampedOnceAndRefusesAnotherStore(backend: Backend) throws {
    let pieces: [(StoreIdentityError.Piece, any StoreStamped)] = [
      (.ledger, try backend.workflowLedger(in: directory)), (.index, try backend.keyIndex(in: directory)),
    ]
    for (piece, stamped) in pieces {
      #expect(try stamped.storeID() == nil)
      try stamped.stamp(storeID: "store-a")
      #expect(try stamped.storeID() == "store-a")
      try stamped.stamp(storeID: "store-a")
      let refused = try #require(throws: StoreIdentityError.self) { try stamped.stamp(storeID: "store-b") }
      guard case .foreign(let named, _, let found, let expected) = refused else {
        Issue.record("\(piece.rawValue): \(refused) is not a foreign-store refusal")
        continue
      }
      #expect(named == piece && found == "store-a" && expected == "store-b")
      #expect(try stamped.storeID() == "store-a")
    }
  }
}
