import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

/// The run file: what is written is read back, by sorted walks and by single keys.
@Suite struct IndexRunTests {
  let dir: TemporaryDirectory

  init() throws {
    dir = try TemporaryDirectory()
  }

  func write(_ keys: [String], storeID: String? = "s") throws -> IndexRun {
    let writer = try IndexRunWriter(path: dir.file("r.run"), temporaryPath: dir.file("r.tmp"), storeID: storeID)
    for (n, key) in keys.enumerated() {
      try writer.append(
        key: key, location: ArtifactLocation(part: "part-\(n % 3)", offset: Int64(n) * 100, length: Int32(n + 1)),
        version: UInt64(n))
    }
    try writer.finish()
    #expect(!FileSystem.exists(dir.file("r.tmp")))
    return try IndexRun(path: dir.file("r.run"), expectedStoreID: storeID)
  }

  @Test func manyBlocksAreFoundByWalksAndByOneKey() throws {
    let keys = (0..<20_000).map { "order-\(1_000_000 + $0 * 3)" }
    let run = try write(keys)
    #expect(run.entryCount == keys.count)
    #expect(run.parts == ["part-0", "part-1", "part-2"])
    // A sorted walk over every third key and the keys between (absent).
    var cursor = IndexRun.Cursor()
    for n in stride(from: 0, to: 60_000, by: 2) {
      var key = "order-\(1_000_000 + n)"
      let hit = try key.withUTF8 { try run.find($0, cursor: &cursor) }
      if n % 3 == 0 {
        #expect(hit?.version == UInt64(n / 3) && hit?.offset == Int64(n / 3) * 100, "\(key)")
      } else {
        #expect(hit == nil, "\(key)")
      }
    }
    for probe in [0, 1, 9_999, 19_999] {
      var fresh = IndexRun.Cursor()
      var key = keys[probe]
      #expect(try key.withUTF8 { try run.find($0, cursor: &fresh) }?.version == UInt64(probe))
    }
    for absent in ["", "a", "order-0", "order-9", "zzz"] {
      var fresh = IndexRun.Cursor()
      var key = absent
      #expect(try key.withUTF8 { try run.find($0, cursor: &fresh) } == nil)
    }
    var iterator = run.makeIterator()
    var seen: [String] = []
    while let (key, _) = try iterator.next() { seen.append(String(decoding: key, as: UTF8.self)) }
    #expect(seen == keys)
  }

  /// A walk releases the mapped pages it has passed (every 8 MiB), and two walks over one run
  /// go at different paces: pages one released are read again by the other, with the same
  /// bytes. A run of about 20 MiB, walked by two cursors, one running ahead.
  @Test func walksThatReleasePagesReadTheSameEntries() throws {
    let count = 500_000
    let keys = (0..<count).map { "order-\(10_000_000 + $0)" }
    let run = try write(keys)
    #expect(run.byteCount > 16 << 20)
    var ahead = IndexRun.Cursor()
    var behind = IndexRun.Cursor()
    for n in 0..<count {
      var key = keys[n]
      let hit = try key.withUTF8 { try run.find($0, cursor: &ahead) }
      #expect(hit?.version == UInt64(n), "\(key)")
      guard n >= count / 4 else { continue }
      var late = keys[n - count / 4]
      let again = try late.withUTF8 { try run.find($0, cursor: &behind) }
      #expect(again?.version == UInt64(n - count / 4) && again?.offset == Int64(n - count / 4) * 100, "\(late)")
    }
    var iterator = run.makeIterator()
    var seen = 0
    while let (key, hit) = try iterator.next() {
      #expect(hit.version == UInt64(seen) && String(decoding: key, as: UTF8.self) == keys[seen])
      seen += 1
    }
    #expect(seen == count)
  }

  @Test func keysMustAscendStrictly() throws {
    let writer = try IndexRunWriter(path: dir.file("r.run"), temporaryPath: dir.file("r.tmp"), storeID: nil)
    let at = ArtifactLocation(part: "p", offset: 0, length: 1)
    try writer.append(key: "b", location: at, version: 1)
    #expect(throws: StorageError.self) { try writer.append(key: "b", location: at, version: 1) }
    #expect(throws: StorageError.self) { try writer.append(key: "a", location: at, version: 1) }
    writer.abandon()
    #expect(!FileSystem.exists(dir.file("r.tmp")) && !FileSystem.exists(dir.file("r.run")))
  }

  @Test func anEmptyRunAndAnUnstampedRunAreRead() throws {
    let empty = try write([])
    #expect(empty.entryCount == 0)
    var cursor = IndexRun.Cursor()
    var key = "a"
    #expect(try key.withUTF8 { try empty.find($0, cursor: &cursor) } == nil)
    let unstamped = try write(["a"], storeID: nil)
    #expect(try IndexRun(path: unstamped.path, expectedStoreID: "any").entryCount == 1)
  }

  @Test func everyCutOfTheFileIsRefusedAtOpen() throws {
    _ = try write((0..<300).map { "k\(1000 + $0)" })
    let bytes = try FileSystem.readAll(dir.file("r.run"))
    for cut in stride(from: 0, to: bytes.count, by: 97) {
      try FileSystem.writeAtomically(Array(bytes.prefix(cut)), to: dir.file("cut.run"))
      #expect(throws: StorageError.self, "cut at \(cut)") {
        try IndexRun(path: dir.file("cut.run"), expectedStoreID: "s")
      }
    }
  }
}
