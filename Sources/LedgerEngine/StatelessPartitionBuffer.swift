import LedgerDomain
import LedgerStorage

/// The accepted events of one partition of one input file, grouped by order id and held as
/// encoded bytes, not `Event` values: one arena of encoded events (each written with its order
/// as container, so without the order id), chained per key in arrival order.
struct StatelessPartitionBuffer: Sendable {
  private struct Chain: Sendable {
    var first: Int32
    var last: Int32
    var count: Int32
  }

  private struct Link: Sendable {
    var start: Int
    var end: Int
    var next: Int32
  }

  private var arena = ByteWriter(capacity: 1 << 12)
  private var slots: [String: Int] = [:]
  private var chains: [Chain] = []
  private var links: [Link] = []

  /// The order ids with at least one event.
  var keys: Dictionary<String, Int>.Keys { slots.keys }

  /// Appends `event` to its order's chain.
  mutating func append(_ event: Event) {
    let start = arena.count
    ArtifactCodec.write(event, to: &arena, containerOrderID: event.orderID)
    let link = Int32(links.count)
    links.append(Link(start: start, end: arena.count, next: -1))
    if let slot = slots[event.orderID] {
      links[Int(chains[slot].last)].next = link
      chains[slot].last = link
      chains[slot].count += 1
    } else {
      slots[event.orderID] = chains.count
      chains.append(Chain(first: link, last: link, count: 1))
    }
  }

  /// How many events `key` has here.
  func count(of key: String) -> Int {
    guard let slot = slots[key] else { return 0 }
    return Int(chains[slot].count)
  }

  /// Appends the encoded events of `key`, in arrival order, to `writer`.
  func appendEvents(of key: String, to writer: inout ByteWriter) {
    guard let slot = slots[key] else { return }
    var next = chains[slot].first
    while next >= 0 {
      let link = links[Int(next)]
      writer.writeBytes(arena.bytes[link.start..<link.end])
      next = link.next
    }
  }

  /// The `RecordType.statelessGroup` payload of `key` over `buffers` (in input order): the same
  /// bytes `ArtifactCodec.encode(StatelessGroup)` writes for those events.
  static func groupPayload(_ key: String, in buffers: [StatelessPartitionBuffer]) -> [UInt8] {
    var count = 0
    for buffer in buffers { count += buffer.count(of: key) }
    var writer = ByteWriter(capacity: key.utf8.count + 16 + count * 96)
    writer.writeString(key)
    writer.writeCount(count)
    for buffer in buffers { buffer.appendEvents(of: key, to: &writer) }
    return writer.bytes
  }
}
