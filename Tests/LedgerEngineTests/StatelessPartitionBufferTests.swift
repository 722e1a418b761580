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

  @Test func groupPayloadEqualsTheCodecsEncodingOfTheEventsInFileThenLineOrder() throws {
    var first = StatelessPartitionBuffer()
    var second = StatelessPartitionBuffer()
    first.append(Self.event("a", order: "O-1", line: 1))
    first.append(Self.event("b", order: "O-2", line: 2))
    first.append(Self.event("c", order: "O-1", line: 3))
    second.append(Self.event("d", order: "O-1", line: 11))
    var payloads: [[UInt8]] = []
    let keys = StatelessPartitionBuffer.forEachGroup(in: [first, second]) { payloads.append($0) }
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
