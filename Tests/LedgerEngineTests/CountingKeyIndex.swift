import LedgerDomain
import LedgerStorage
import Synchronization

/// A `KeyIndex` that forwards to another and counts whole-index walks and keys looked up (what a
/// compaction pass costs, as a test can see it), and can refuse relocations.
final class CountingKeyIndex: KeyIndex {
  let base: any KeyIndex
  let walks = Atomic<Int>(0)
  let keysLookedUp = Atomic<Int>(0)
  /// While set, `relocate` throws before changing anything (a pass dying before its moves).
  let refusesRelocation = Atomic<Bool>(false)

  struct RelocationRefused: Error {}

  init(_ base: any KeyIndex) { self.base = base }

  var admitsConcurrentPublishes: Bool { base.admitsConcurrentPublishes }
  func storeID() throws -> String? { try base.storeID() }
  func stamp(storeID id: String) throws { try base.stamp(storeID: id) }

  func entries(for keys: [String]) throws -> [IndexEntry?] {
    keysLookedUp.add(keys.count, ordering: .relaxed)
    return try base.entries(for: keys)
  }

  func entry(for key: String) throws -> IndexEntry? {
    keysLookedUp.add(1, ordering: .relaxed)
    return try base.entry(for: key)
  }

  func knownEventIDs(order: String, among ids: [String]) throws -> Set<ExactID> {
    try base.knownEventIDs(order: order, among: ids)
  }

  func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID], fence: PublishFence?) throws {
    try base.publish(entries, eventIDs: eventIDs, fence: fence)
  }

  func recordSuperseded(_ superseded: SupersededBytes) throws { try base.recordSuperseded(superseded) }
  func recordedGarbage() throws -> [String: RecordedGarbage] { try base.recordedGarbage() }
  func recordMeasuredGarbage(_ measured: [String: Int64]) throws { try base.recordMeasuredGarbage(measured) }
  func forgetSuperseded(parts: [String]) throws { try base.forgetSuperseded(parts: parts) }

  func forEachEntry(_ body: (IndexEntry) throws -> Void) throws {
    walks.add(1, ordering: .relaxed)
    try base.forEachEntry(body)
  }

  func count() throws -> Int { try base.count() }
  func relocate(_ moves: [KeyRelocation]) throws -> Int {
    if refusesRelocation.load(ordering: .relaxed) { throw RelocationRefused() }
    return try base.relocate(moves)
  }
}
