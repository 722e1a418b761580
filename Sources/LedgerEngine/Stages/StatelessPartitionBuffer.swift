import LedgerDomain
import LedgerStorage

/// The accepted events of one partition of one input file, grouped by order id and held as
/// encoded bytes, not `Event` values: one arena of encoded events (each written with its order
/// as container, so without the order id), chained per key in arrival order.
///
/// Keys live in a byte arena and are found through an open-addressing table hashed over their
/// UTF-8 bytes (no `String` hashing, no per-key allocation): reduce touches this table once per
/// accepted line, so it is the stage's hottest structure after the JSON scanner.
struct StatelessPartitionBuffer: Sendable {
  /// One key: where its bytes are in `keyBytes`, and its chain of events.
  private struct Chain: Sendable {
    var hash: UInt64
    var keyStart: Int32
    var keyLength: Int32
    var first: Int32
    var last: Int32
    var count: Int32
  }

  private struct Link: Sendable {
    var start: Int
    var end: Int
    var next: Int32
  }

  private var arena: ByteWriter
  private var keyBytes: [UInt8] = []
  private var chains: [Chain] = []
  private var links: [Link] = []
  /// Open addressing, linear probing: a chain index, or -1 for an empty bucket. The count is a
  /// power of two and at most half full.
  private var table: [Int32]

  /// An empty buffer with room for about `expectedBytes` of encoded events (reserved up front:
  /// growing a 100 MB arena by doubling copies it and faults its pages in twice).
  init(expectedBytes: Int = 1 << 12) {
    arena = ByteWriter(capacity: max(1 << 12, expectedBytes))
    let expectedEvents = max(16, expectedBytes / 64)
    links.reserveCapacity(expectedEvents)
    var buckets = 64
    while buckets < expectedEvents { buckets <<= 1 }
    table = [Int32](repeating: -1, count: buckets)
  }

  /// The order ids with at least one event, in first-arrival order.
  var keys: [String] {
    chains.indices.map { slot in
      keyBytes.withUnsafeBufferPointer { String(decoding: key(slot, in: $0), as: UTF8.self) }
    }
  }

  /// Appends `event` to its order's chain; `keyHash` is `KeyPartition.hash(event.orderID)` when
  /// the caller already has it.
  mutating func append(_ event: Event, keyHash: UInt64? = nil) {
    let start = arena.count
    ArtifactCodec.write(event, to: &arena, containerOrderID: event.orderID)
    var orderID = event.orderID
    orderID.withUTF8 { chain(start, key: $0, keyHash: keyHash ?? KeyPartition.hash($0)) }
  }

  /// Appends the event `checked` describes (line `line` of `file` of `source`) to its order's
  /// chain, encoded as `append(_:keyHash:)` encodes the event; `keyHash` is the order id's
  /// `KeyPartition.hash`.
  mutating func append(_ checked: CheckedEvent, source: String, file: String, line: Int, keyHash: UInt64) {
    let start = arena.count
    ArtifactCodec.write(checked, source: source, file: file, line: line, to: &arena)
    chain(start, key: checked.orderID, keyHash: keyHash)
  }

  /// Links the event encoded from `start` to the end of the arena to the chain of `key`.
  private mutating func chain(_ start: Int, key: UnsafeBufferPointer<UInt8>, keyHash: UInt64) {
    let link = Int32(links.count)
    links.append(Link(start: start, end: arena.count, next: -1))
    let slot = slotInserting(key, hash: Self.mix(keyHash))
    if chains[slot].count == 0 {
      chains[slot].first = link
    } else {
      links[Int(chains[slot].last)].next = link
    }
    chains[slot].last = link
    chains[slot].count += 1
  }

  /// How many events `key` has here.
  func count(of key: String) -> Int {
    guard let slot = slot(of: key) else { return 0 }
    return Int(chains[slot].count)
  }

  // MARK: - Groups

  /// Calls `body` once per distinct order id over `buffers` (the partition's buffers, in input
  /// order), in ascending order of the id's UTF-8 bytes, with the `RecordType.statelessGroup`
  /// payload: the same bytes `ArtifactCodec.encode(StatelessGroup)` writes for the key's events
  /// in input-file order, then line order. `body` gets the function that writes it (into a part
  /// writer's own buffer: the key's events are copied once, from the arenas). Returns the number
  /// of distinct keys.
  @discardableResult
  static func forEachGroup(
    in buffers: [StatelessPartitionBuffer], _ body: ((inout ByteWriter) -> Void) throws -> Void
  ) rethrows -> Int {
    // Every (buffer, slot), sorted by key bytes then buffer: equal keys end up adjacent, their
    // buffers in input order. The keys are copied into one arena so the sort compares plain bytes.
    var allKeys: [UInt8] = []
    allKeys.reserveCapacity(buffers.reduce(0) { $0 + $1.keyBytes.count })
    var entries: [GroupEntry] = []
    entries.reserveCapacity(buffers.reduce(0) { $0 + $1.chains.count })
    for (b, buffer) in buffers.enumerated() {
      let base = Int32(allKeys.count)
      allKeys.append(contentsOf: buffer.keyBytes)
      buffer.keyBytes.withUnsafeBufferPointer { keyBytes in
        for (slot, chain) in buffer.chains.enumerated() {
          let key = UnsafeBufferPointer(
            rebasing: keyBytes[Int(chain.keyStart)..<Int(chain.keyStart + chain.keyLength)])
          entries.append(
            GroupEntry(
              prefix: GroupEntry.prefix(of: key), keyStart: base + chain.keyStart, keyLength: chain.keyLength,
              buffer: Int32(b), slot: Int32(slot)))
        }
      }
    }
    return try allKeys.withUnsafeBufferPointer { keys in
      entries.sort { GroupEntry.precedes($0, $1, keys: keys) }
      return try withViews(buffers[...], collected: []) { views in
        try views.withUnsafeBufferPointer { views in
          var distinct = 0
          var runStart = 0
          while runStart < entries.count {
            var runEnd = runStart + 1
            while runEnd < entries.count, GroupEntry.sameKey(entries[runStart], entries[runEnd], keys: keys) {
              runEnd += 1
            }
            let run = entries[runStart..<runEnd]
            try body { groupPayload(run, views: views, keys: keys, into: &$0) }
            distinct += 1
            runStart = runEnd
          }
          return distinct
        }
      }
    }
  }

  /// One buffer's arena, chains and links as plain pointers: writing the groups walks them once
  /// per key, and array accesses there cost a retain and a release each.
  private struct View {
    var arena: UnsafeBufferPointer<UInt8>
    var chains: UnsafeBufferPointer<Chain>
    var links: UnsafeBufferPointer<Link>
  }

  /// Calls `body` with a view of each of `buffers`, valid inside `body` only.
  private static func withViews<R>(
    _ buffers: ArraySlice<StatelessPartitionBuffer>, collected: [View], _ body: ([View]) throws -> R
  ) rethrows -> R {
    guard let first = buffers.first else { return try body(collected) }
    return try first.arena.bytes.withUnsafeBufferPointer { arena in
      try first.chains.withUnsafeBufferPointer { chains in
        try first.links.withUnsafeBufferPointer { links in
          try withViews(
            buffers.dropFirst(), collected: collected + [View(arena: arena, chains: chains, links: links)], body)
        }
      }
    }
  }

  /// One key of one buffer, for the sort. `prefix` holds the key's first 16 bytes big-endian
  /// (zero-padded), so most comparisons are two integer compares; bytes are compared only when
  /// the prefixes tie (equal keys, or keys alike in their first 16 bytes).
  private struct GroupEntry {
    var prefix: (UInt64, UInt64)
    var keyStart: Int32
    var keyLength: Int32
    var buffer: Int32
    var slot: Int32

    static func prefix(of key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
      var words: (UInt64, UInt64) = (0, 0)
      for (i, byte) in key.prefix(16).enumerated() {
        if i < 8 {
          words.0 |= UInt64(byte) << (56 - 8 * i)
        } else {
          words.1 |= UInt64(byte) << (56 - 8 * (i - 8))
        }
      }
      return words
    }

    func key(_ keys: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: keys[Int(keyStart)..<Int(keyStart + keyLength)])
    }

    static func sameKey(_ a: GroupEntry, _ b: GroupEntry, keys: UnsafeBufferPointer<UInt8>) -> Bool {
      a.prefix == b.prefix && a.keyLength == b.keyLength
        && (a.keyLength <= 16 || KeyOrder.compare(a.key(keys), b.key(keys)) == 0)
    }

    static func precedes(_ a: GroupEntry, _ b: GroupEntry, keys: UnsafeBufferPointer<UInt8>) -> Bool {
      if a.prefix != b.prefix { return a.prefix < b.prefix }
      let order = KeyOrder.compare(a.key(keys), b.key(keys))
      return order != 0 ? order < 0 : a.buffer < b.buffer
    }
  }

  private static func groupPayload(
    _ run: ArraySlice<GroupEntry>, views: UnsafeBufferPointer<View>, keys: UnsafeBufferPointer<UInt8>,
    into writer: inout ByteWriter
  ) {
    var count = 0
    for entry in run {
      count += Int(views[Int(entry.buffer)].chains[Int(entry.slot)].count)
    }
    let key = run[run.startIndex].key(keys)
    writer.writeCount(key.count)
    writer.writeBytes(key)
    writer.writeCount(count)
    for entry in run {
      let view = views[Int(entry.buffer)]
      var next = view.chains[Int(entry.slot)].first
      while next >= 0 {
        let link = view.links[Int(next)]
        writer.writeBytes(UnsafeBufferPointer(rebasing: view.arena[link.start..<link.end]))
        next = link.next
      }
    }
  }

  // MARK: - Chains and the key table

  private func key(_ slot: Int, in keyBytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    let chain = chains[slot]
    return UnsafeBufferPointer(rebasing: keyBytes[Int(chain.keyStart)..<Int(chain.keyStart + chain.keyLength)])
  }

  private func slot(of key: String) -> Int? {
    var key = key
    return key.withUTF8 { bytes in find(bytes, hash: Self.mix(KeyPartition.hash(bytes))).slot }
  }

  /// Probes the table for `key`: its chain if present, else the empty bucket it would take.
  private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int?, bucket: Int) {
    let mask = table.count - 1
    var bucket = Int(truncatingIfNeeded: hash) & mask
    return keyBytes.withUnsafeBufferPointer { keyBytes in
      while true {
        let slot = table[bucket]
        if slot < 0 { return (nil, bucket) }
        let chain = chains[Int(slot)]
        if chain.hash == hash, Int(chain.keyLength) == key.count,
          self.key(Int(slot), in: keyBytes).elementsEqual(key)
        {
          return (Int(slot), bucket)
        }
        bucket = (bucket + 1) & mask
      }
    }
  }

  /// The chain of `key` (whose mixed hash is `hash`), created with no events when new.
  private mutating func slotInserting(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
    if chains.count * 2 >= table.count { grow() }
    let (found, bucket) = find(key, hash: hash)
    if let found { return found }
    let slot = chains.count
    chains.append(
      Chain(hash: hash, keyStart: Int32(keyBytes.count), keyLength: Int32(key.count), first: -1, last: -1, count: 0))
    keyBytes.append(contentsOf: key)
    table[bucket] = Int32(slot)
    return slot
  }

  private mutating func grow() {
    var bigger = [Int32](repeating: -1, count: table.count * 2)
    let mask = bigger.count - 1
    for (slot, chain) in chains.enumerated() {
      var bucket = Int(truncatingIfNeeded: chain.hash) & mask
      while bigger[bucket] >= 0 { bucket = (bucket + 1) & mask }
      bigger[bucket] = Int32(slot)
    }
    table = bigger
  }

  /// A final avalanche over the key's FNV-1a hash (keys such as `O-000123` differ only in their
  /// last bytes, and the table uses the low bits).
  private static func mix(_ fnv: UInt64) -> UInt64 {
    var h = fnv
    h ^= h >> 33
    h &*= 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    return h
  }
}
