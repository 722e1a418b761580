import LedgerStorage
import Testing

@testable import LedgerEngine

/// The rule `IndexLedgerAgreement` applies when a store opens (its use on restored stores is in
/// LedgerOperationsTests).
@Suite struct IndexLedgerAgreementRuleTests {
  /// The rule: the index may be ahead of the ledger (a crash between the publish and the ledger's
  /// record of it), never behind; no mark may name a batch the ledger never made; a partition
  /// without a mark is not judged.
  @Test func theRule() {
    func check(_ marks: [Int: UInt64], _ newest: UInt64, _ floor: UInt64, _ indexed: [Int: UInt64])
      -> StoreIdentityError?
    {
      IndexLedgerAgreement.check(marks: marks, newestJob: newest, floor: floor, indexed: indexed)
    }
    #expect(check([0: 5, 1: 5], 5, 5, [:]) == nil)
    #expect(check([0: 6, 1: 5], 6, 5, [1: 5]) == nil, "partition 0 published, the ledger not told yet")
    #expect(check([0: 5, 1: 4], 5, 4, [0: 5, 1: 5]) == .indexBehindLedger(partition: 1, ledgerJob: 5, indexJob: 4))
    #expect(check([0: 4], 5, 5, [:]) == .indexBehindLedger(partition: 0, ledgerJob: 5, indexJob: 4))
    #expect(check([2: 7], 6, 6, [:]) == .ledgerBehindIndex(partition: 2, indexJob: 7, newestJob: 6))
    #expect(check([0: 5], 9, 9, [:]) == .indexBehindLedger(partition: 0, ledgerJob: 9, indexJob: 5))
    #expect(check([1: 9], 9, 9, [:]) == nil, "partitions 0, 2, 3 carry no mark: not judged")
  }
}
