import LedgerStorage

/// Whether the key index and the workflow ledger tell the same story of what was indexed.
///
/// Each index task publishes its partition's entries and, in the same transaction, moves the
/// partition's mark in the index (``KeyIndex/publishedThrough()``); the ledger records the task
/// done afterwards. So the index may be ahead of the ledger (a crash in between: the task runs
/// again and publishes the same entries), never behind it. An index behind the ledger was restored
/// from an older backup: the ledger says batches are applied whose lines the index does not
/// lead to, and the next batch on such an order would build on the older version and lose them.
/// A ledger older than the index is caught too: the index holds a batch the ledger never made.
public enum IndexLedgerAgreement {
  /// The first disagreement between `ledger` and `index`, or nil. Partitions the index keeps no
  /// mark for (a store from before marks were kept, an index without them) are not judged.
  ///
  /// Read in an order that an engine running alongside (a read command's case) cannot turn into a
  /// false finding: the ledger's indexed-through first (it only grows, and the index grows first),
  /// then the marks, then the newest batch (a batch created meanwhile may already be published).
  public static func check(ledger: any WorkflowLedger, index: any KeyIndex) throws -> StoreIdentityError? {
    guard !(try index.publishedThrough()).isEmpty else { return nil }
    let before = try ledger.recentJobs(limit: 1).last?.seq ?? 0
    let unfinished = try ledger.unfinishedJobs()
    let (floor, indexed) = Engine.indexedThrough(
      jobs: unfinished, partitions: try ledger.unfinishedPartitionTasks(), lastJob: before)
    let marks = try index.publishedThrough()
    let newest = try ledger.recentJobs(limit: 1).last?.seq ?? 0
    return check(marks: marks, newestJob: newest, floor: floor, indexed: indexed)
  }

  /// The rule over what was read: per partition, the ledger's indexed-through batch (`indexed`,
  /// else `floor`) may not pass the index's mark, and no mark may pass the newest batch.
  static func check(marks: [Int: UInt64], newestJob: UInt64, floor: UInt64, indexed: [Int: UInt64])
    -> StoreIdentityError?
  {
    for (partition, mark) in marks.sorted(by: { $0.key < $1.key }) {
      if mark > newestJob {
        return .ledgerBehindIndex(partition: partition, indexJob: mark, newestJob: newestJob)
      }
      let ledgerJob = indexed[partition] ?? floor
      if ledgerJob > mark {
        return .indexBehindLedger(partition: partition, ledgerJob: ledgerJob, indexJob: mark)
      }
    }
    return nil
  }
}
