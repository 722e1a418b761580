import LedgerDomain
import LedgerStorage
import Testing

@testable import LedgerEngine

/// Reduce keeps encoded events per key; the group it writes must be the codec's own encoding.
struct StatelessPartitionBufferTests {
  static func event(_ id: String, order: String, line: Int) -> Event {
    Event(
      id: id, orderID: order, kind: .charge, amount: 125, currency: Currency(code: "USD", minorUnits: 2),
      ts: "2026-11-27T10:00:00Z", memo: line.isMultiple(of: 2) ? "even" : nil,
      origin: EventOrigin(source: "shop", file: "f\(line / 10).jsonl", line: line))
  }

  /// The groups `forEachGroup` writes over `buffers`, decoded: each order id with its event ids.
  static func groups(_ buffers: [StatelessPartitionBuffer]) throws -> [(String, [String])] {
    var got: [(String, [String])] = []
    try StatelessPartitionBuffer.forEachGroup(in: buffers) { write in
      var writer = ByteWriter()
      write(&writer)
      let group = try ArtifactCodec.decodeStatelessGroup(writer.bytes)
      got.append((group.orderID, group.events.map(\.id)))
    }
    return got
  }

  @Test func groupPayloadEqualsTheCodecsEncodingOfTheEventsInFileThenLineOrder() throws {
    var first = StatelessPartitionBuffer()
    var second = StatelessPartitionBuffer()
    first.append(Self.event("a", order: "O-1", line: 1))
    first.append(Self.event("b", order: "O-2", line: 2))
    first.append(Self.event("c", order: "O-1", line: 3))
    second.append(Self.event("d", order: "O-1", line: 11))
    var payloads: [[UInt8]] = []
    let keys = StatelessPartitionBuffer.forEachGroup(in: [first, second]) { write in
      var writer = ByteWriter()
      write(&writer)
      payloads.append(writer.bytes)
    }
    #expect(keys == 2 && payloads.count == 2)  // O-1 then O-2, in byte order
    let payload = payloads[0]
    #expect(
      payloads[1]
        == ArtifactCodec.encode(StatelessGroup(orderID: "O-2", events: [Self.event("b", order: "O-2", line: 2)])))
    let expected = StatelessGroup(
      orderID: "O-1",
      events: [
        Self.event("a", order: "O-1", line: 1), Self.event("c", order: "O-1", line: 3),
        Self.event("d", order: "O-1", line: 11),
      ])
    #expect(payload == ArtifactCodec.encode(expected))
    #expect(try ArtifactCodec.decodeStatelessGroup(payload) == expected)
  }

  /// Groups come in the byte order of their keys, whatever their length: keys alike in their
  /// first 16 bytes, keys that are prefixes of others, NUL and non-ASCII bytes; each key's events
  /// from every buffer end up in one group.
  @Test(arguments: [UInt64(1), 2, 3])
  func groupsFollowTheKeysByteOrderAcrossBuffers(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let stems = ["", "a", "ab", "ord-0000000", "ord-00000001234567", "ord-0000000\u{0}", "é", "z\u{0}\u{0}"]
    var keys: [String] = []
    for _ in 0..<300 {
      let stem = stems[random.next(below: stems.count)]
      let tail = String(repeating: "x", count: random.next(below: 3)) + String(random.next(below: 40))
      keys.append(random.next(below: 5) == 0 ? stem : stem + tail)
    }
    keys = keys.filter { !$0.isEmpty }
    var buffers = [StatelessPartitionBuffer(), StatelessPartitionBuffer(), StatelessPartitionBuffer()]
    var expected: [String: [String]] = [:]
    for (n, key) in keys.enumerated() {
      buffers[n % 3].append(Self.event("e\(n)", order: key, line: n + 1))
    }
    // Within a group: buffer order first, then arrival order in the buffer.
    for b in 0..<3 {
      for (n, key) in keys.enumerated() where n % 3 == b { expected[key, default: []].append("e\(n)") }
    }
    var got: [(String, [String])] = []
    let count = try StatelessPartitionBuffer.forEachGroup(in: buffers) { write in
      var writer = ByteWriter()
      write(&writer)
      let group = try ArtifactCodec.decodeStatelessGroup(writer.bytes)
      got.append((group.orderID, group.events.map(\.id)))
    }
    let distinct = Set(keys.map { Array($0.utf8) })
    #expect(count == distinct.count)
    #expect(got.map { Array($0.0.utf8) } == distinct.sorted { $0.lexicographicallyPrecedes($1) })
    for (key, ids) in got { #expect(ids == expected[key], "events of \(key.debugDescription)") }
  }

  /// Thousands of keys whose bytes differ anywhere in their first 16 bytes and beyond (the
  /// grouping sort works byte position by byte position): groups still come in byte order, each
  /// with its events in buffer, then arrival order.
  @Test(arguments: [UInt64(4), 5])
  func manyKeysVaryingAtEveryBytePositionGroupInByteOrder(seed: UInt64) throws {
    var random = SeededRandom(seed: seed)
    let alphabet: [String] = ["\u{0}", "0", "1", "9", "-", "a", "b", "z", "é", "€", "\u{7F}"]
    var keys: [String] = []
    for _ in 0..<6_000 {
      let length = 1 + random.next(below: 24)
      let stem = random.next(below: 2) == 0 ? "ord-" : ""
      keys.append(stem + (0..<length).map { _ in alphabet[random.next(below: alphabet.count)] }.joined())
    }
    // Repeat a tenth of the keys so that groups hold several events from several buffers.
    for _ in 0..<3_000 { keys.append(keys[random.next(below: 600)]) }
    var buffers = [StatelessPartitionBuffer(), StatelessPartitionBuffer()]
    var expected: [String: [String]] = [:]
    for (n, key) in keys.enumerated() { buffers[n % 2].append(Self.event("e\(n)", order: key, line: n + 1)) }
    for b in 0..<2 {
      for (n, key) in keys.enumerated() where n % 2 == b { expected[key, default: []].append("e\(n)") }
    }
    let got = try Self.groups(buffers)
    let want = Set(keys.map { Array($0.utf8) }).sorted { $0.lexicographicallyPrecedes($1) }
    let order = got.map { Array($0.0.utf8) }
    let firstWrong = order.indices.first { $0 >= want.count || order[$0] != want[$0] }
    #expect(order.count == want.count && firstWrong == nil, "groups out of byte order from group \(firstWrong ?? -1)")
    var mismatched = 0
    for (key, ids) in got where ids != expected[key] { mismatched += 1 }
    #expect(mismatched == 0)
  }

  /// Order ids up to the 128 bytes SPEC §2 allows, alike but for their last byte or their
  /// length: the key kept in the arena beside each event is the whole id, and groups still come
  /// in byte order with every event of their key.
  @Test func longestOrderIDsKeepTheirWholeKey() throws {
    let stem = String(repeating: "k", count: 126)
    let keys = [stem + "zz", stem + "za", stem + "z", stem + "a", stem + "zz", stem + "a", stem]
    #expect(keys.allSatisfy { $0.utf8.count <= 128 })
    var buffers = [StatelessPartitionBuffer(), StatelessPartitionBuffer()]
    for (n, key) in keys.enumerated() { buffers[n % 2].append(Self.event("e\(n)", order: key, line: n + 1)) }
    let got = try Self.groups(buffers)
    #expect(got.map(\.0) == [stem, stem + "a", stem + "z", stem + "za", stem + "zz"])
    #expect(got.map(\.1) == [["e6"], ["e3", "e5"], ["e2"], ["e1"], ["e0", "e4"]])
    #expect(buffers[0].count(of: stem + "zz") == 2 && buffers[1].keys == [stem + "za", stem + "a"])
  }

  @Test func countsAndKeysArePerOrder() {
    var buffer = StatelessPartitionBuffer()
    buffer.append(Self.event("a", order: "O-1", line: 1))
    buffer.append(Self.event("b", order: "O-2", line: 2))
    buffer.append(Self.event("c", order: "O-1", line: 3))
    #expect(Set(buffer.keys) == ["O-1", "O-2"])
    #expect(buffer.count(of: "O-1") == 2)
    #expect(buffer.count(of: "O-3") == 0)
  }
}
