import LedgerDomain
import LedgerTesting
import Testing

@testable import LedgerStorage

/// A partition reduced as several input ranges is read as one sequence of groups: in key order,
/// each key once, its events in range order.
struct StatelessGroupMergeTests {
  let dir: TemporaryDirectory
  var parts: String { dir.file("parts") }

  init() throws { dir = try TemporaryDirectory() }

  static func event(_ id: String, order: String) -> Event {
    ArtifactCodecTests.event(id, order: order, amount: Int64(id.utf8.count))
  }

  static func payload(_ order: String, _ ids: [String]) -> [UInt8] {
    ArtifactCodec.encode(StatelessGroup(orderID: order, events: ids.map { event($0, order: order) }))
  }

  @Test func groupsOfOneKeyBecomeOneGroupInRangeOrder() throws {
    let merged = try StatelessGroupMerge.concatenate(
      [Self.payload("ORD-1", ["a", "b"]), Self.payload("ORD-1", ["c"]), Self.payload("ORD-1", ["d", "e"])],
      context: "test")
    #expect(merged == Self.payload("ORD-1", ["a", "b", "c", "d", "e"]))
    let one = Self.payload("ORD-2", ["x"])
    #expect(try StatelessGroupMerge.concatenate([one], context: "test") == one)
    #expect(throws: StorageError.self) {
      try StatelessGroupMerge.concatenate([Self.payload("ORD-1", ["a"]), Self.payload("ORD-2", ["b"])], context: "t")
    }
    #expect(throws: StorageError.self) { try StatelessGroupMerge.concatenate([], context: "test") }
    #expect(throws: StorageError.self) {
      try StatelessGroupMerge.concatenate([Self.payload("ORD-1", ["a"]), [3, 0x4f, 0x52]], context: "test")
    }
  }

  /// Random keys (non-ASCII among them, whose byte order differs from `String`'s), each key's
  /// events spread over up to four ranges or kept in one: the merged parts give what one part
  /// holding every key's events in range order gives.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func mergedPartsReadAsOnePart(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let ranges = 4
    var byRange = Array(repeating: [(String, [String])](), count: ranges)
    var whole: [(String, [String])] = []
    let keys = Set((0..<300).map { n in ["ORD-\(random.next(below: 10_000))", "ö-\(n)", "Z-\(n)", "é\(n)"][n % 4] })
    for key in keys.sorted(by: KeyOrder.precedes) {
      var ids: [String] = []
      for range in 0..<ranges where random.next(below: 3) == 0 || (range == ranges - 1 && ids.isEmpty) {
        let part = (0...random.next(below: 3)).map { "\(key)-r\(range)-\($0)" }
        byRange[range].append((key, part))
        ids += part
      }
      whole.append((key, ids))
    }
    let names = try (0..<ranges).map { range in
      let name = "s-0000000001-0-r\(range).part"
      let writer = try PartFileWriter(partsDirectory: parts, name: name)
      for (key, ids) in byRange[range] {
        _ = try writer.append(type: .statelessGroup, payload: Self.payload(key, ids))
      }
      try writer.finish()
      return name
    }
    let reader = PartFileReader(partsDirectory: parts)
    var read: [[UInt8]] = []
    try reader.forEachStatelessGroup(inParts: names) { read.append($0) }
    #expect(read.count == whole.count)
    #expect(read == whole.map { Self.payload($0.0, $0.1) })
    // One part is read as it is.
    var single: [[UInt8]] = []
    try reader.forEachStatelessGroup(inParts: [names[0]]) { single.append($0) }
    #expect(single == byRange[0].map { Self.payload($0.0, $0.1) })
  }

  /// A part whose keys do not ascend cannot be merged in order: it is named, not merged.
  @Test func aPartWhoseKeysDoNotAscendIsRefused() throws {
    for (name, keys) in [("a.part", ["ORD-1", "ORD-3"]), ("b.part", ["ORD-2", "ORD-2"])] {
      let writer = try PartFileWriter(partsDirectory: parts, name: name)
      for key in keys { _ = try writer.append(type: .statelessGroup, payload: Self.payload(key, ["x"])) }
      try writer.finish()
    }
    let reader = PartFileReader(partsDirectory: parts)
    var seen: [[UInt8]] = []
    let error = #expect(throws: StorageError.self) {
      try reader.forEachStatelessGroup(inParts: ["a.part", "b.part"]) { seen.append($0) }
    }
    guard case .malformed(let context, _, let detail) = error else {
      Issue.record("expected a malformed part, got \(String(describing: error))")
      return
    }
    #expect(context == "b.part" && detail.contains("do not ascend"))
  }
}
