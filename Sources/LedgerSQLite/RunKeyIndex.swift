import Dispatch
import LedgerDomain
import LedgerStorage
import LedgerSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The embedded key index: each publish writes its entries as one immutable sorted run
/// (``IndexRun``, in `index-runs/` beside `index.sqlite`), so a publish costs what its batch
/// holds, not what the whole index holds (docs/INDEX-RUNS.md). Runs are merged in the
/// background, a few small neighbours at a time, so a lookup searches at most `maxRuns` of them
/// (plus the ones a publish added since).
///
/// `index.sqlite` keeps what runs do not replace: the list of runs (`index_run_files`, the manifest:
/// a run exists for readers once its row is listed), the event ids of large artifacts, the
/// recorded garbage and the store stamp, through ``SQLiteKeyIndex``. The B-tree `entries` of a
/// store written before runs is read as the oldest layer and never written again.
///
/// A key's entry is the one with the highest version over all layers; between equal versions
/// the newer layer wins (a compaction's relocation, or a publish run again). Each run records
/// how many of its keys no older layer had, so `count()` never scans.
public final class RunKeyIndex: KeyIndex {
  /// The folder of run files, beside the index database.
  public static let directoryName = "index-runs"
  /// Runs kept before the background merge folds the smallest neighbours together.
  public static let defaultMaxRuns = 8

  /// The database and the tables runs do not replace (and the B-tree of older stores).
  public let tables: SQLiteKeyIndex
  private let shared: Shared
  private let readOnly: Bool
  /// Runs opened by a read-only index, by name (reused across refreshes of the manifest).
  private let opened = Mutex<[String: IndexRun]>([:])
  /// A read-only index's last reading of the manifest, and the database's `data_version` then
  /// (it changes only when another connection commits): lookups skip the query while it holds.
  private let lastRead = Mutex<(dataVersion: Int64, layers: [Shared.Layer])?>(nil)
  /// Entries in the B-tree of a store written before runs (read, never written).
  private let legacyCount: Int

  /// Opens (creating if needed) the index at `path` for the engine, its runs in
  /// `<dir of path>/index-runs/`. The runs are opened on first use, after the store's identity
  /// is checked (``StoreIdentity``): what a crash left is removed then, and a run the manifest
  /// does not name is refused.
  public init(path: String, maxRuns: Int = RunKeyIndex.defaultMaxRuns) throws {
    tables = try SQLiteKeyIndex(path: path)
    readOnly = false
    try tables.database.execute(Self.schema)
    let directory = FileSystem.parent(of: path) + "/" + Self.directoryName
    shared = try Shared(database: tables.database, directory: directory, maxRuns: max(2, maxRuns))
    legacyCount = try tables.count()
  }

  /// Opens the runs the first time the engine's index needs them.
  private func ensureLoaded() throws {
    guard !readOnly, !shared.state.withLock({ $0.loaded }) else { return }
    try shared.writer.withLock { _ in
      guard !shared.state.withLock({ $0.loaded }) else { return }
      try shared.load(storeID: try tables.storeID())
    }
    shared.mergeIfDue()
  }

  /// Opens an existing index read-only, alongside a running engine (read commands): the
  /// manifest is read again on every call, so runs the engine publishes or merges are seen.
  public init(readOnlyPath path: String) throws {
    tables = try SQLiteKeyIndex(readOnlyPath: path)
    readOnly = true
    let directory = FileSystem.parent(of: path) + "/" + Self.directoryName
    shared = try Shared(database: tables.database, directory: directory, maxRuns: Self.defaultMaxRuns, writer: false)
    legacyCount = try tables.count()
  }

  deinit {
    shared.stopMerging()
  }

  /// `state`: 'writing' (a run being written or merged: a crash leaves the row, and the next
  /// start removes the file), 'listed' (what lookups read), 'merged' (folded into a newer run,
  /// its file about to be deleted).
  static let schema = """
    CREATE TABLE IF NOT EXISTS index_run_files (
      name TEXT PRIMARY KEY, seq INTEGER NOT NULL, entries INTEGER NOT NULL,
      new_keys INTEGER NOT NULL, bytes INTEGER NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
    """

  // MARK: StoreStamped

  public func storeID() throws -> String? { try tables.storeID() }

  public func stamp(storeID id: String) throws {
    try tables.stamp(storeID: id)
    shared.state.withLock { $0.storeID = id }
  }

  /// Finishes the merges due (at most `maxRuns` runs stay), then checkpoints the database (a
  /// clean stop, or a loader before it measures).
  public func settle() throws {
    try ensureLoaded()
    shared.waitForMerges(untilNoneDue: true)
    try tables.settle()
  }

  // MARK: Runs

  /// The runs lookups search, oldest first.
  public func runs() throws -> [RunInfo] {
    try layers().map { RunInfo(name: $0.name, entries: $0.run.entryCount, newKeys: $0.newKeys) }
  }

  /// What the index knows of one run.
  public struct RunInfo: Sendable, Equatable {
    public var name: String
    public var entries: Int
    public var newKeys: Int
  }

  /// Waits until no merge is due or under way (tests; a loader before it measures).
  public func waitForMerges() {
    try? ensureLoaded()
    shared.waitForMerges(untilNoneDue: true)
  }

  /// The last background merge failure, if any (a merge that fails leaves the runs as they were).
  public var lastMergeFailure: String? { shared.state.withLock { $0.lastMergeFailure } }

  private func layers() throws -> [Shared.Layer] {
    guard readOnly else {
      try ensureLoaded()
      return shared.state.withLock { $0.layers }
    }
    let version = try tables.database.withConnection { try $0.scalarInt64("PRAGMA data_version") } ?? -1
    if let last = lastRead.withLock({ $0 }), last.dataVersion == version { return last.layers }
    let layers = try readLayers()
    lastRead.withLock { $0 = (version, layers) }
    return layers
  }

  private func readLayers() throws -> [Shared.Layer] {
    // The engine may merge (and delete) a listed run between our reading the list and opening
    // the file: read the list again (the fifth time, the missing run is reported).
    var attempt = 0
    while true {
      attempt += 1
      let rows = try shared.manifest()
      do {
        let expected = try tables.storeID()
        var layers: [Shared.Layer] = []
        for row in rows {
          let run = try opened.withLock { known in
            if let run = known[row.name] { return run }
            let run = try shared.open(row, storeID: expected)
            known[row.name] = run
            return run
          }
          layers.append(Shared.Layer(seq: row.seq, name: row.name, run: run, newKeys: row.newKeys))
        }
        let names = Set(rows.map(\.name))
        opened.withLock { $0 = $0.filter { names.contains($0.key) } }
        return layers
      } catch StorageError.missingIndexRun where attempt < 5 {
        continue
      }
    }
  }

  // MARK: KeyIndex

  public func entries(for keys: [String]) throws -> [IndexEntry?] {
    let layers = try layers()
    var best: [IndexEntry?] = legacyCount > 0 ? try tables.entries(for: keys) : Array(repeating: nil, count: keys.count)
    guard !layers.isEmpty, !keys.isEmpty else { return best }
    let order = Self.keyOrder(keys)
    for layer in layers {
      var cursor = IndexRun.Cursor()
      for i in order {
        var key = keys[i]
        guard let hit = try key.withUTF8({ try layer.run.find($0, cursor: &cursor) }) else { continue }
        if let held = best[i], held.version > hit.version { continue }
        best[i] = layer.run.entry(keys[i], hit)
      }
    }
    return best
  }

  public func entry(for key: String) throws -> IndexEntry? {
    try entries(for: [key])[0]
  }

  public func knownEventIDs(order: String, among ids: [String]) throws -> Set<ExactID> {
    try tables.knownEventIDs(order: order, among: ids)
  }

  /// Writes `entries` as one run and lists it with `eventIDs` in one transaction. `fence` is not
  /// checked: one engine opens a SQLite store (the engine lock). Run again after a crash, it
  /// writes the same run again; the duplicate is harmless (equal versions) and merged away.
  public func publish(_ entries: [IndexEntry], eventIDs: [ExternalEventID], fence: PublishFence?) throws {
    try requireWriter()
    try ensureLoaded()
    let sorted = Self.sortedNewest(entries)
    try shared.writer.withLock { _ in
      let layers = shared.state.withLock { $0.layers }
      let newKeys = try sorted.isEmpty ? 0 : countNew(sorted.map(\.orderID), layers: layers)
      try shared.add(
        sorted.map { ($0.orderID, $0.location, $0.version) }, newKeys: newKeys,
        alsoInTransaction: { conn in
          try SQLiteKeyIndex.record(eventIDs, conn: conn)
          try SQLiteKeyIndex.recordPublished(fence, conn: conn)
        })
    }
    shared.mergeIfDue()
  }

  public func recordSuperseded(_ superseded: SupersededBytes) throws {
    try tables.recordSuperseded(superseded)
  }

  public func publishedThrough() throws -> [Int: UInt64] {
    try tables.publishedThrough()
  }

  /// Opens every listed run (the engine's index; a read-only one opens runs as it reads them).
  public func checkWhole() throws {
    try ensureLoaded()
  }

  public func recordedGarbage() throws -> [String: RecordedGarbage] {
    try tables.recordedGarbage()
  }

  public func recordMeasuredGarbage(_ measured: [String: Int64]) throws {
    try tables.recordMeasuredGarbage(measured)
  }

  public func forgetSuperseded(parts: [String]) throws {
    try tables.forgetSuperseded(parts: parts)
  }

  public func forEachEntry(_ body: (IndexEntry) throws -> Void) throws {
    var merged = RunMerge(layers: try layers())
    if legacyCount > 0 {
      try tables.forEachEntry { old in
        var key = old.orderID
        try key.withUTF8 { bytes in
          while let head = try merged.peek(), KeyOrder.compare(head.key, bytes) < 0 {
            try body(try merged.takeEntry())
          }
          if let head = try merged.peek(), KeyOrder.compare(head.key, bytes) == 0 {
            let newer = try merged.takeEntry()
            try body(newer.version >= old.version ? newer : old)
          } else {
            try body(old)
          }
        }
      }
    }
    while try merged.peek() != nil { try body(try merged.takeEntry()) }
  }

  /// A read-only index counts from the manifest alone, opening no run: `status` works while a
  /// run is damaged.
  public func count() throws -> Int {
    let runs = try readOnly ? shared.manifest().map(\.newKeys) : layers().map(\.newKeys)
    return legacyCount + runs.reduce(0, +)
  }

  /// Merge failures not yet taken, for the engine to report.
  public func takeBackgroundFailures() -> [String] {
    shared.state.withLock { state in
      defer { state.unreported.removeAll() }
      return state.unreported
    }
  }

  /// Writes the moves that still apply as one run: each applies while the entry is still at
  /// `from` and `version`, in the order given (a later move may continue an earlier one).
  @discardableResult
  public func relocate(_ moves: [KeyRelocation]) throws -> Int {
    try requireWriter()
    try ensureLoaded()
    guard !moves.isEmpty else { return 0 }
    let applied = try shared.writer.withLock { _ -> Int in
      let keys = Array(Set(moves.map(\.orderID)))
      var current: [String: IndexEntry] = [:]
      for (key, entry) in zip(keys, try entries(for: keys)) { current[key] = entry }
      var applied = 0
      var moved: Set<String> = []
      for move in moves {
        guard var entry = current[move.orderID], entry.version == move.version, entry.location == move.from
        else { continue }
        entry.location = move.to
        current[move.orderID] = entry
        moved.insert(move.orderID)
        applied += 1
      }
      guard applied > 0 else { return 0 }
      let run = moved.sorted(by: KeyOrder.precedes).compactMap { current[$0] }
      try shared.add(run.map { ($0.orderID, $0.location, $0.version) }, newKeys: 0, alsoInTransaction: { _ in })
      return applied
    }
    shared.mergeIfDue()
    return applied
  }

  // MARK: Helpers

  private func requireWriter() throws {
    guard !readOnly else {
      throw SQLiteError.executionFailed(
        path: tables.database.path, sql: "publish a key-index run", code: 8,
        message: "attempt to write a readonly database")
    }
  }

  /// How many of `keys` (ascending) no layer holds yet.
  private func countNew(_ keys: [String], layers: [Shared.Layer]) throws -> Int {
    var present = [Bool](repeating: false, count: keys.count)
    for layer in layers {
      var cursor = IndexRun.Cursor()
      for (i, key) in keys.enumerated() where !present[i] {
        var key = key
        if try key.withUTF8({ try layer.run.find($0, cursor: &cursor) }) != nil { present[i] = true }
      }
    }
    if legacyCount > 0 {
      let missing = keys.indices.filter { !present[$0] }
      for (i, found) in zip(missing, try tables.entries(for: missing.map { keys[$0] })) where found != nil {
        present[i] = true
      }
    }
    return present.count(where: { !$0 })
  }

  /// The positions of `keys` in ascending byte order (as given when they already are).
  private static func keyOrder(_ keys: [String]) -> [Int] {
    let ascending = zip(keys, keys.dropFirst()).allSatisfy { !KeyOrder.precedes($1, $0) }
    if ascending { return Array(keys.indices) }
    return keys.indices.sorted { KeyOrder.precedes(keys[$0], keys[$1]) }
  }

  /// `entries` ascending by key, one per key: the highest version, the later one between equals.
  static func sortedNewest(_ entries: [IndexEntry]) -> [IndexEntry] {
    let ascending = zip(entries, entries.dropFirst()).allSatisfy { KeyOrder.precedes($0.orderID, $1.orderID) }
    if ascending { return entries }
    let order = entries.indices.sorted { a, b in
      if KeyOrder.precedes(entries[a].orderID, entries[b].orderID) { return true }
      if KeyOrder.precedes(entries[b].orderID, entries[a].orderID) { return false }
      return (entries[a].version, a) < (entries[b].version, b)
    }
    var result: [IndexEntry] = []
    result.reserveCapacity(entries.count)
    for i in order {
      if let last = result.last, KeyOrder.same(last.orderID, entries[i].orderID) {
        result[result.count - 1] = entries[i]
      } else {
        result.append(entries[i])
      }
    }
    return result
  }
}
