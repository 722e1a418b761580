import CLedgerPrefetch
import LedgerDomain
import LedgerStorage

/// The accepted events of one partition of one input file, held as encoded bytes, not `Event`
/// values: one arena holding, per event, its order id's bytes and then its encoding (written with
/// its order as container, so without the order id), and per event one sort entry.
///
/// Events are only appended here (no per-key structure: a hash table touched once per line
/// missed the cache two or three times per event); they are grouped by order id when the
/// partition is written, by one sort of all its events (`forEachGroup`).
struct StatelessPartitionBuffer: Sendable {
  private var arena: ByteWriter
  private var entries: [GroupEntry] = []

  /// An empty buffer with room for about `expectedBytes` of encoded events (reserved up front:
  /// growing a 100 MB arena by doubling copies it and faults its pages in twice).
  init(expectedBytes: Int = 1 << 12) {
    arena = ByteWriter(capacity: max(1 << 12, expectedBytes))
    entries.reserveCapacity(max(16, expectedBytes / 128))
  }

  /// The order ids with at least one event, in first-arrival order.
  var keys: [String] {
    var seen = Set<[UInt8]>()
    var keys: [String] = []
    arena.bytes.withUnsafeBufferPointer { arena in
      for entry in entries {
        let key = Array(entry.key(in: arena))
        if seen.insert(key).inserted { keys.append(String(decoding: key, as: UTF8.self)) }
      }
    }
    return keys
  }

  /// Appends `event` to the buffer.
  mutating func append(_ event: Event) {
    var orderID = event.orderID
    let start = orderID.withUTF8 { writeKey($0) }
    ArtifactCodec.write(event, to: &arena, containerOrderID: event.orderID)
    orderID.withUTF8 { record(start, key: $0) }
  }

  /// Appends the event `checked` describes (line `line` of the input file `origin` encodes),
  /// encoded as `append(_:)` encodes the event.
  mutating func append(_ checked: CheckedEvent, origin: EncodedSource, line: Int) {
    let start = writeKey(checked.orderID)
    ArtifactCodec.write(checked, origin: origin, line: line, to: &arena)
    record(start, key: checked.orderID)
  }

  /// Writes `key` into the arena; returns where the event's encoding starts (right after it).
  private mutating func writeKey(_ key: UnsafeBufferPointer<UInt8>) -> Int {
    // SPEC §2 caps an order id at 128 bytes and both decoders reject longer ones.
    precondition(key.count <= Int(UInt8.max), "an order id of \(key.count) bytes reached reduce (at most 128)")
    arena.writeBytes(key)
    return arena.count
  }

  /// Records the event encoded from `start` to the end of the arena, of order `key` (written
  /// just before `start`).
  private mutating func record(_ start: Int, key: UnsafeBufferPointer<UInt8>) {
    precondition(arena.count - start <= Int(UInt32.max), "one event's encoding exceeds 4 GiB")
    entries.append(
      GroupEntry(
        prefix: Self.prefix(of: key), start: start, length: UInt32(truncatingIfNeeded: arena.count - start),
        buffer: 0, keyLength: UInt8(truncatingIfNeeded: key.count)))
  }

  /// How many events `key` has here.
  func count(of key: String) -> Int {
    let wanted = Array(key.utf8)
    return arena.bytes.withUnsafeBufferPointer { arena in
      entries.reduce(0) { $0 + ($1.key(in: arena).elementsEqual(wanted) ? 1 : 0) }
    }
  }

  /// The key's first 16 bytes as two big-endian words, zero-padded: comparing them orders keys
  /// as their bytes do, up to ties (equal keys, or keys alike in their first 16 bytes).
  private static func prefix(of key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
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
    try withViews(buffers[...], collected: []) { views in
      try views.withUnsafeBufferPointer { views in
        // Every event, sorted by key bytes, then buffer, then arrival: a key's events end up
        // adjacent, in input order, then line order.
        precondition(views.count < 1 << 24, "one partition of one job is read from more than 2^24 input units")
        var order = [GroupEntry](unsafeUninitializedCapacity: views.reduce(0) { $0 + $1.entries.count }) {
          order, count in
          for (b, view) in views.enumerated() {
            let copied = UnsafeMutableBufferPointer(rebasing: order[count...]).initialize(fromContentsOf: view.entries)
            for i in count..<count + copied { order[i].buffer = b }
            count += copied
          }
        }
        sortByKey(&order, views: views)
        return try order.withUnsafeBufferPointer { order in
          var distinct = 0
          var runStart = 0
          while runStart < order.count {
            var runEnd = runStart + 1
            while runEnd < order.count, GroupEntry.sameKey(order[runStart], order[runEnd], views: views) {
              runEnd += 1
            }
            try body { groupPayload(order, runStart..<runEnd, views: views, into: &$0) }
            distinct += 1
            runStart = runEnd
          }
          return distinct
        }
      }
    }
  }

  /// Sorts `order` as `GroupEntry.precedes` does. Built in (buffer, arrival) order, the entries
  /// are first sorted by their 16-byte prefix with a stable radix sort, one pass per byte position
  /// at which the prefixes differ (order ids often share a stem such as `ord-`); that keeps the
  /// (buffer, arrival) order among equal prefixes, so a run of equal prefixes needs a comparison
  /// sort only when its keys may still differ (different lengths, or longer than 16 bytes).
  /// A comparison sort of 500,000 entries per partition took a third of writing the groups.
  private static func sortByKey(_ order: inout [GroupEntry], views: UnsafeBufferPointer<View>) {
    guard order.count > 1 else { return }
    // Scratch space for the radix passes (each pass writes every entry before the next reads it).
    var scratch = [GroupEntry](repeating: order[0], count: order.count)
    let sortedInScratch = order.withUnsafeMutableBufferPointer { items in
      scratch.withUnsafeMutableBufferPointer { scratch in
        radixSortByPrefix(items, scratch: scratch)
      }
    }
    if sortedInScratch { swap(&order, &scratch) }
    order.withUnsafeMutableBufferPointer { items in
      var start = 0
      while start < items.count {
        var end = start + 1
        var mayDiffer = items[start].keyLength > 16
        while end < items.count, items[end].prefix == items[start].prefix {
          mayDiffer = mayDiffer || items[end].keyLength != items[start].keyLength || items[end].keyLength > 16
          end += 1
        }
        if mayDiffer && end - start > 1 {
          var run = UnsafeMutableBufferPointer(rebasing: items[start..<end])
          run.sort { GroupEntry.precedes($0, $1, views: views) }
        }
        start = end
      }
    }
  }

  /// Stable LSD radix sort of `items` by prefix, bytes that are the same in every prefix
  /// skipped; returns whether the sorted entries ended in `scratch` (an odd number of passes).
  private static func radixSortByPrefix(
    _ items: UnsafeMutableBufferPointer<GroupEntry>, scratch: UnsafeMutableBufferPointer<GroupEntry>
  ) -> Bool {
    let first = items[0].prefix
    var differs: (UInt64, UInt64) = (0, 0)
    for item in items {
      differs.0 |= item.prefix.0 ^ first.0
      differs.1 |= item.prefix.1 ^ first.1
    }
    // Least significant byte first: the second word's bytes, then the first word's.
    var passes: [(second: Bool, shift: UInt64)] = []
    for shift in stride(from: UInt64(0), to: 64, by: 8) where (differs.1 >> shift) & 0xFF != 0 {
      passes.append((true, shift))
    }
    for shift in stride(from: UInt64(0), to: 64, by: 8) where (differs.0 >> shift) & 0xFF != 0 {
      passes.append((false, shift))
    }
    var source = items
    var target = scratch
    var counts = [Int](repeating: 0, count: 256)
    counts.withUnsafeMutableBufferPointer { counts in
      for pass in passes {
        let digit = { (entry: GroupEntry) -> Int in
          Int(truncatingIfNeeded: ((pass.second ? entry.prefix.1 : entry.prefix.0) >> pass.shift) & 0xFF)
        }
        counts.update(repeating: 0)
        for entry in source { counts[digit(entry)] += 1 }
        var offset = 0
        for bucket in 0..<256 {
          let count = counts[bucket]
          counts[bucket] = offset
          offset += count
        }
        for entry in source {
          let bucket = digit(entry)
          target[counts[bucket]] = entry
          counts[bucket] += 1
        }
        swap(&source, &target)
      }
    }
    return passes.count % 2 == 1
  }

  /// One buffer's arena and entries as plain pointers: writing the groups reads them once per
  /// event, and array accesses there cost a retain and a release each.
  private struct View {
    var arena: UnsafeBufferPointer<UInt8>
    var entries: UnsafeBufferPointer<GroupEntry>
  }

  /// Calls `body` with a view of each of `buffers`, valid inside `body` only.
  private static func withViews<R>(
    _ buffers: ArraySlice<StatelessPartitionBuffer>, collected: [View], _ body: ([View]) throws -> R
  ) rethrows -> R {
    guard let first = buffers.first else { return try body(collected) }
    return try first.arena.bytes.withUnsafeBufferPointer { arena in
      try first.entries.withUnsafeBufferPointer { entries in
        try withViews(buffers.dropFirst(), collected: collected + [View(arena: arena, entries: entries)], body)
      }
    }
  }

  /// One event, for the sort: its key's first 16 bytes, where its encoding lies in its buffer's
  /// arena (its key's bytes lie just before), its key's length and its buffer. Most comparisons
  /// are two integer compares; bytes are compared only when the prefixes tie. The gather that
  /// writes the groups reads the encoding straight from here (32 bytes, no second lookup).
  private struct GroupEntry {
    var prefix: (UInt64, UInt64)
    var start: Int
    var length: UInt32
    /// The buffer (high 24 bits) and the key's length (low 8).
    private var packed: UInt32

    init(prefix: (UInt64, UInt64), start: Int, length: UInt32, buffer: Int, keyLength: UInt8) {
      self.prefix = prefix
      self.start = start
      self.length = length
      packed = UInt32(truncatingIfNeeded: buffer) << 8 | UInt32(keyLength)
    }

    var keyLength: Int { Int(packed & 0xFF) }
    var buffer: Int {
      get { Int(packed >> 8) }
      set { packed = UInt32(truncatingIfNeeded: newValue) << 8 | (packed & 0xFF) }
    }

    func key(in arena: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: arena[(start - keyLength)..<start])
    }

    func key(_ views: UnsafeBufferPointer<View>) -> UnsafeBufferPointer<UInt8> {
      key(in: views[buffer].arena)
    }

    func encoding(_ views: UnsafeBufferPointer<View>) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: views[buffer].arena[start..<(start + Int(length))])
    }

    static func sameKey(_ a: GroupEntry, _ b: GroupEntry, views: UnsafeBufferPointer<View>) -> Bool {
      a.prefix == b.prefix && a.keyLength == b.keyLength
        && (a.keyLength <= 16 || KeyOrder.compare(a.key(views), b.key(views)) == 0)
    }

    static func precedes(_ a: GroupEntry, _ b: GroupEntry, views: UnsafeBufferPointer<View>) -> Bool {
      if a.prefix != b.prefix { return a.prefix < b.prefix }
      // Equal prefixes: keys of up to 16 bytes are equal when their lengths are (a shorter one
      // is a prefix of the longer, zero-padded: it sorts first, as its bytes do).
      let order =
        a.keyLength <= 16 && b.keyLength <= 16
        ? a.keyLength - b.keyLength : KeyOrder.compare(a.key(views), b.key(views))
      if order != 0 { return order < 0 }
      return a.buffer != b.buffer ? a.buffer < b.buffer : a.start < b.start
    }
  }

  /// How many events ahead the gather asks for the cache lines of the event it will copy (events
  /// lie in the arenas in arrival order, so in key order each copy would otherwise wait for memory).
  private static let prefetchDistance = 16

  private static func groupPayload(
    _ order: UnsafeBufferPointer<GroupEntry>, _ run: Range<Int>, views: UnsafeBufferPointer<View>,
    into writer: inout ByteWriter
  ) {
    let key = order[run.lowerBound].key(views)
    writer.writeCount(key.count)
    writer.writeBytes(key)
    writer.writeCount(run.count)
    for i in run {
      if i + prefetchDistance < order.count {
        // Its first three cache lines (an event is usually under 192 bytes; a prefetch past the
        // arena's end is only an unused hint: it never faults).
        let ahead = order[i + prefetchDistance]
        if let arena = views[ahead.buffer].arena.baseAddress {
          let address = UnsafeRawPointer(arena + ahead.start)
          ledger_prefetch(address)
          ledger_prefetch(address + 64)
          ledger_prefetch(address + 128)
        }
      }
      writer.writeBytes(order[i].encoding(views))
    }
  }
}
