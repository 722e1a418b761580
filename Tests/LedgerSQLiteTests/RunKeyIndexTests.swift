import LedgerDomain
import LedgerSQLite
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The index of sorted runs beyond the shared contract: background merges against a model,
/// the B-tree of older stores as the oldest layer, damaged and foreign run files, and readers in
/// another "process" while runs are merged away.
@Suite struct RunKeyIndexTests {
  let dir: TemporaryDirectory

  init() throws {
    dir = try TemporaryDirectory()
  }

  var path: String { dir.file("index.sqlite") }
  var runs: String { dir.file(RunKeyIndex.directoryName) }

  static func entry(_ order: String, _ part: String, _ offset: Int64, v: UInt64) -> IndexEntry {
    IndexEntry(orderID: order, location: ArtifactLocation(part: part, offset: offset, length: 40), version: v)
  }

  static func all(_ index: any KeyIndex) throws -> [IndexEntry] {
    var out: [IndexEntry] = []
    try index.forEachEntry { out.append($0) }
    return out
  }

  /// Random publishes (versions rising, sometimes a stale one), relocations and merges give
  /// what the in-memory model gives, in this index, after reopening it, and read-only.
  @Test(arguments: [1, 2, 3])
  func randomPublishesRelocationsAndMergesMatchTheModel(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let model = InMemoryKeyIndex()
    let keys = (0..<300).map { "order-\($0 * 7919 % 1000)" } + ["é-accent", "Z", "a"]
    do {
      let index = try RunKeyIndex(path: path, maxRuns: 3)
      var version: UInt64 = 1
      for step in 0..<60 {
        if random.next(below: 5) == 0 {
          // Compaction: move some current entries, and try some moves that no longer apply.
          let current = try Self.all(model)
          let moves = (0..<random.next(below: 20)).compactMap { _ -> KeyRelocation? in
            guard let e = current.randomElement(using: &random) else { return nil }
            let stale = random.next(below: 4) == 0
            return KeyRelocation(
              orderID: e.orderID, version: stale ? e.version + 1 : e.version, from: e.location,
              to: ArtifactLocation(part: "c\(step)", offset: Int64(random.next(below: 1000)), length: 40))
          }
          #expect(try index.relocate(moves) == model.relocate(moves), "step \(step)")
        } else {
          let stale = random.next(below: 6) == 0
          let v = stale && version > 3 ? version - 3 : version
          let batch = (0..<(1 + random.next(below: 60))).map { _ in
            Self.entry(
              keys.randomElement(using: &random)!, "p\(step)-\(random.next(below: 3))", Int64(random.next(below: 9999)),
              v: v)
          }
          try index.publish(batch, eventIDs: [])
          try model.publish(batch, eventIDs: [])
          version += 1
        }
        if random.next(below: 4) == 0 { index.waitForMerges() }
        #expect(try index.entries(for: keys) == model.entries(for: keys), "step \(step)")
        #expect(try index.count() == model.count(), "step \(step)")
      }
      index.waitForMerges()
      #expect(try index.runs().count <= 3)
      #expect(index.lastMergeFailure == nil)
      #expect(try Self.all(index) == Self.all(model))
    }
    let reopened = try RunKeyIndex(path: path, maxRuns: 3)
    #expect(try Self.all(reopened) == Self.all(model))
    #expect(try reopened.count() == model.count())
    let reader = try RunKeyIndex(readOnlyPath: path)
    #expect(try reader.entries(for: keys) == model.entries(for: keys))
    #expect(try reader.count() == model.count())
  }

  /// A store from before runs: its B-tree is read as the oldest layer, and counted.
  @Test func theBTreeOfAnOlderStoreIsTheOldestLayer() throws {
    do {
      let old = try SQLiteKeyIndex(path: path)
      try old.publish(["a", "b", "c"].map { Self.entry($0, "old", 0, v: 1) }, eventIDs: [])
    }
    let index = try RunKeyIndex(path: path)
    #expect(try index.count() == 3)
    let newer = [Self.entry("b", "new", 8, v: 2), Self.entry("d", "new", 16, v: 2)]
    try index.publish(newer + [Self.entry("c", "stale", 0, v: 0)], eventIDs: [])
    #expect(try index.count() == 4)
    #expect(try index.entries(for: ["a", "b", "c", "d"]).map { $0?.location.part } == ["old", "new", "old", "new"])
    #expect(try Self.all(index).map(\.orderID) == ["a", "b", "c", "d"])
    #expect(try Self.all(index).map(\.location.part) == ["old", "new", "old", "new"])
    let moved = ArtifactLocation(part: "compacted", offset: 0, length: 40)
    let move = KeyRelocation(orderID: "a", version: 1, from: Self.entry("a", "old", 0, v: 1).location, to: moved)
    #expect(try index.relocate([move]) == 1)
    #expect(try index.entry(for: "a")?.location == moved)
    #expect(try index.relocate([move]) == 0)  // no longer at `from`
    #expect(try RunKeyIndex(readOnlyPath: path).count() == 4)
  }

  /// A run file whose bytes changed is refused when the damaged block is read, and names itself.
  @Test func aDamagedRunIsRefusedAndNamed() throws {
    let index = try RunKeyIndex(path: path)
    try index.publish((0..<2_000).map { Self.entry("k\(100_000 + $0)", "p", Int64($0), v: 1) }, eventIDs: [])
    let name = try #require(try index.runs().first?.name)
    let file = runs + "/" + name
    var bytes = try FileSystem.readAll(file)
    bytes[40] ^= 0x20  // inside the first block
    try FileSystem.writeAtomically(bytes, to: file)
    let reader = try RunKeyIndex(readOnlyPath: path)
    let error = try #require(throws: StorageError.self) { try reader.entry(for: "k100000") }
    guard case .damagedIndexRun(let named, let detail) = error else {
      Issue.record("unexpected \(error)")
      return
    }
    #expect(named == file && detail.contains("block 0"))
    #expect(error.failureKind == .corruptData)
    #expect("\(error)".contains("ledgerline rebuild"))
    // A cut file fails at open: its footer is gone.
    try FileSystem.writeAtomically(Array(bytes.dropLast(3)), to: file)
    #expect(throws: StorageError.self) { try RunKeyIndex(path: path).runs() }
  }

  /// What a crash leaves (a run being written, listed as such; temporary files) goes at the
  /// next start; a listed run that is missing stops the index from opening.
  @Test func aCrashLeftoverIsRemovedAndAMissingRunRefuses() throws {
    let name: String
    do {
      let index = try RunKeyIndex(path: path)
      try index.publish([Self.entry("a", "p", 0, v: 1)], eventIDs: [])
      name = try #require(try index.runs().first?.name)
      // A publish that got as far as its file: its row says 'writing'.
      try index.tables.database.execute(
        "INSERT INTO index_run_files (name, seq, entries, new_keys, bytes, state) VALUES ('r2.run', 2, 0, 0, 0, 'writing')"
      )
    }
    try FileSystem.writeAtomically(Array("junk".utf8), to: runs + "/r2.run")
    try FileSystem.writeAtomically(Array("junk".utf8), to: runs + "/tmp/r98.run")
    try FileSystem.makeDirectories(runs + "/tmp/left-alone")
    try FileSystem.writeAtomically(Array("notes".utf8), to: runs + "/README.txt")
    let reopened = try RunKeyIndex(path: path)
    #expect(try reopened.entry(for: "a") != nil)
    #expect(!FileSystem.exists(runs + "/r2.run") && !FileSystem.exists(runs + "/tmp/r98.run"))
    #expect(FileSystem.exists(runs + "/tmp/left-alone") && FileSystem.exists(runs + "/README.txt"))
    #expect(try reopened.runs().map(\.name) == [name])
    try FileSystem.remove(runs + "/" + name)
    #expect(throws: StorageError.missingIndexRun(path: runs + "/" + name)) { try RunKeyIndex(path: path).runs() }
  }

  /// A folder of runs that is a symbolic link is refused: start removes files there.
  @Test func aLinkedRunsFolderIsRefused() throws {
    _ = try RunKeyIndex(path: path).runs()
    let elsewhere = try TemporaryDirectory()
    try FileSystem.writeAtomically(Array("precious".utf8), to: elsewhere.file("a.txt"))
    #expect(rmdir(runs + "/tmp") == 0)
    #expect(symlink(elsewhere.path, runs + "/tmp") == 0)
    let error = try #require(throws: StorageError.self) { try RunKeyIndex(path: path).runs() }
    guard case .directoryNotUsable(let named, _) = error else {
      Issue.record("unexpected \(error)")
      return
    }
    #expect(named == runs + "/tmp")
    #expect(FileSystem.exists(elsewhere.file("a.txt")))
  }

  /// index.sqlite restored from an older backup than index-runs/, even one run behind: the
  /// runs it does not list are not deleted, and nothing is read. A listed run swapped for
  /// another is refused by its counts.
  @Test(arguments: [1, 2])
  func runsFromAnotherBackupAreRefusedNotDeleted(behind: Int) throws {
    let older: [UInt8]
    do {
      let index = try RunKeyIndex(path: path)
      try index.publish([Self.entry("a", "p", 0, v: 1)], eventIDs: [])
      try index.settle()
      older = try FileSystem.readAll(path)
      for v in 2...(1 + behind) {
        try index.publish([Self.entry("a", "p", Int64(v), v: UInt64(v)), Self.entry("b", "p", 9, v: 2)], eventIDs: [])
      }
      try index.settle()
    }
    let newer = try FileSystem.readAll(path)
    try FileSystem.writeAtomically(older, to: path)
    let error = try #require(throws: StorageError.self) { try RunKeyIndex(path: path).runs() }
    guard case .damagedIndexRun(let named, let detail) = error else {
      Issue.record("unexpected \(error)")
      return
    }
    #expect(named.hasPrefix(runs + "/r") && detail.contains("does not list it"))
    #expect(FileSystem.exists(runs + "/r2.run"))
    try FileSystem.writeAtomically(newer, to: path)
    #expect(try RunKeyIndex(path: path).entry(for: "a")?.version == UInt64(1 + behind))
    // A listed run swapped for another of the same name.
    try FileSystem.rename(runs + "/r1.run", to: runs + "/r1.saved")
    try FileSystem.link(runs + "/r2.run", to: runs + "/r1.run")
    #expect(throws: StorageError.self) { try RunKeyIndex(readOnlyPath: path).entry(for: "a") }
  }

  /// A run stamped for another store is not read.
  @Test func aRunOfAnotherStoreIsRefused() throws {
    let other = try TemporaryDirectory()
    let theirs = try RunKeyIndex(path: other.file("index.sqlite"))
    try theirs.stamp(storeID: "their-store")
    try theirs.publish([Self.entry("a", "theirs", 0, v: 9)], eventIDs: [])
    let ours = try RunKeyIndex(path: path)
    try ours.stamp(storeID: "our-store")
    try ours.publish([Self.entry("a", "ours", 0, v: 1)], eventIDs: [])
    let (theirName, ourName) = (try #require(try theirs.runs().first?.name), try #require(try ours.runs().first?.name))
    try FileSystem.writeAtomically(
      try FileSystem.readAll(other.file(RunKeyIndex.directoryName) + "/" + theirName), to: runs + "/" + ourName)
    #expect(
      throws: StorageError.foreignIndexRun(path: runs + "/" + ourName, found: "their-store", expected: "our-store")
    ) { try RunKeyIndex(readOnlyPath: path).entry(for: "a") }
  }

  /// A merge that fails (here its rename, EIO) changes nothing: the runs stay listed and read,
  /// the failure is kept, and the next start merges them.
  @Test func aFailedMergeLeavesTheRunsAsTheyWere() throws {
    let rule = FileSystemFaults.shared.inject(under: runs + "/m", operations: [.rename], failAt: 1, errno: EIO)
    defer { FileSystemFaults.shared.remove(rule) }
    let entries = (0..<3).map { batch in
      (0..<40).map { Self.entry("k\($0 * 3 + batch)", "p\(batch)", Int64($0), v: UInt64(batch + 1)) }
    }
    let keys = entries.flatMap { $0.map(\.orderID) }.sorted()
    let expected = keys.map { key in entries.flatMap { $0 }.last { $0.orderID == key } }
    do {
      let index = try RunKeyIndex(path: path, maxRuns: 2)
      for batch in entries { try index.publish(batch, eventIDs: []) }
      index.waitForMerges()
      #expect(index.lastMergeFailure?.contains("rename") == true)
      #expect(try index.runs().count == 3)
      #expect(try index.entries(for: keys) == expected)
      #expect(try FileSystem.list(runs + "/tmp").isEmpty)
    }
    FileSystemFaults.shared.remove(rule)
    let reopened = try RunKeyIndex(path: path, maxRuns: 2)
    reopened.waitForMerges()
    #expect(reopened.lastMergeFailure == nil)
    #expect(try reopened.runs().count == 1)
    #expect(try reopened.entries(for: keys) == expected)
    #expect(try reopened.count() == keys.count)
  }

  /// An index that a newer writer on the same directory superseded stops merging for good, so
  /// waiting for its merges returns instead of retrying a merge that can never swap in.
  @Test(.timeLimit(.minutes(1))) func aSupersededWriterStopsMerging() throws {
    let older = try RunKeyIndex(path: path, maxRuns: 2)
    _ = try older.runs()
    let newer = try RunKeyIndex(path: path, maxRuns: 2)
    for v in 1...3 { try older.publish([Self.entry("k\(v)", "p", 0, v: UInt64(v))], eventIDs: []) }
    older.waitForMerges()
    #expect(try older.runs().count == 3)
    #expect(try newer.runs().count == 3)
    newer.waitForMerges()
    #expect(try newer.runs().count == 1)
  }

  /// A reader opened before a merge keeps answering after the merged inputs are deleted, and
  /// one that lists them afterwards reads the merged run.
  @Test func readersFollowMerges() throws {
    let index = try RunKeyIndex(path: path, maxRuns: 2)
    let reader = try RunKeyIndex(readOnlyPath: path)
    var model: [String: IndexEntry] = [:]
    for batch in 0..<12 {
      let entries = (0..<50).map {
        Self.entry("k\(($0 * 13 + batch * 7) % 200)", "p\(batch)", Int64($0), v: UInt64(batch + 1))
      }
      try index.publish(entries, eventIDs: [])
      for e in entries { model[e.orderID] = e }
      let keys = model.keys.sorted()
      #expect(try reader.entries(for: keys) == keys.map { model[$0] })
    }
    index.waitForMerges()
    #expect(try index.runs().count <= 2)
    let names = Set(try FileSystem.list(runs).filter { $0.hasSuffix(".run") })
    #expect(names == Set(try index.runs().map(\.name)))
    #expect(try reader.count() == model.count)
    #expect(try Self.all(reader) == model.keys.sorted().map { model[$0]! })
  }
}
