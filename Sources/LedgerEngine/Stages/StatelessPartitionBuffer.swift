import LedgerDomain
import LedgerStorage

/// The accepted events of one partition of one input file, held as encoded bytes, not `Event`
/// values: one arena of encoded events (each written with its order as container, so without the
/// order id), and per event its order id's bytes and where its encoding lies.
///
/// Events are only appended here (no per-key structure: a hash table touched once per line
/// missed the cache two or three times per event); they are grouped by order id when the
/// partition is written, by one sort of all its events (`forEachGroup`).
struct StatelessPartitionBuffer: Sendable {
  /// One event: its key's first 16 bytes (for the sort), where its key's bytes are in
  /// `keyBytes`, and where its encoding is in the arena.
  private struct Entry: Sendable {
    var prefix: (UInt64, UInt64)
    var keyStart: Int32
    var keyLength: Int32
    var start: Int
    var end: Int
  }

  private var arena: ByteWriter
  private var keyBytes: [UInt8] = []
  private var entries: [Entry] = []

  /// An empty buffer with room for about `expectedBytes` of encoded events (reserved up front:
  /// growing a 100 MB arena by doubling copies it and faults its pages in twice).
  init(expectedBytes: Int = 1 << 12) {
    arena = ByteWriter(capacity: max(1 << 12, expectedBytes))
    let expectedEvents = max(16, expectedBytes / 128)
    entries.reserveCapacity(expectedEvents)
    keyBytes.reserveCapacity(expectedEvents * 16)
  }

  /// The order ids with at least one event, in first-arrival order.
  var keys: [String] {
    var seen = Set<[UInt8]>()
    var keys: [String] = []
    keyBytes.withUnsafeBufferPointer { keyBytes in
      for entry in entries {
        let key = Array(Self.key(entry, in: keyBytes))
        if seen.insert(key).inserted { keys.append(String(decoding: key, as: UTF8.self)) }
      }
    }
    return keys
  }

  /// Appends `event` to the buffer.
  mutating func append(_ event: Event) {
    let start = arena.count
    ArtifactCodec.write(event, to: &arena, containerOrderID: event.orderID)
    var orderID = event.orderID
    orderID.withUTF8 { record(start, key: $0) }
  }

  /// Appends the event `checked` describes (line `line` of the input file `origin` encodes),
  /// encoded as `append(_:)` encodes the event.
  mutating func append(_ checked: CheckedEvent, origin: EncodedSource, line: Int) {
    let start = arena.count
    ArtifactCodec.write(checked, origin: origin, line: line, to: &arena)
    record(start, key: checked.orderID)
  }

  /// Records the event encoded from `start` to the end of the arena, of order `key`.
  private mutating func record(_ start: Int, key: UnsafeBufferPointer<UInt8>) {
    precondition(
      keyBytes.count + key.count <= Int(Int32.max) && entries.count < Int(Int32.max),
      "one input unit holds more than 2 GiB of order ids or 2^31 events")
    entries.append(
      Entry(
        prefix: Self.prefix(of: key), keyStart: Int32(truncatingIfNeeded: keyBytes.count),
        keyLength: Int32(truncatingIfNeeded: key.count), start: start, end: arena.count))
    keyBytes.append(contentsOf: key)
  }

  /// How many events `key` has here.
  func count(of key: String) -> Int {
    let wanted = Array(key.utf8)
    return keyBytes.withUnsafeBufferPointer { keyBytes in
      entries.reduce(0) { $0 + (Self.key($1, in: keyBytes).elementsEqual(wanted) ? 1 : 0) }
    }
  }

  private static func key(_ entry: Entry, in keyBytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: keyBytes[Int(entry.keyStart)..<Int(entry.keyStart) + Int(entry.keyLength)])
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
        var order: [GroupEntry] = []
        order.reserveCapacity(views.reduce(0) { $0 + $1.entries.count })
        for (b, view) in views.enumerated() {
          for (index, entry) in view.entries.enumerated() {
            order.append(
              GroupEntry(
                prefix: entry.prefix, keyStart: entry.keyStart, keyLength: entry.keyLength, buffer: Int32(b),
                index: Int32(truncatingIfNeeded: index)))
          }
        }
        sortByKey(&order, views: views)
        var distinct = 0
        var runStart = 0
        while runStart < order.count {
          var runEnd = runStart + 1
          while runEnd < order.count, GroupEntry.sameKey(order[runStart], order[runEnd], views: views) {
            runEnd += 1
          }
          let run = order[runStart..<runEnd]
          try body { groupPayload(run, views: views, into: &$0) }
          distinct += 1
          runStart = runEnd
        }
        return distinct
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
    var scratch = order
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

  /// One buffer's arena, keys and entries as plain pointers: writing the groups reads them once
  /// per event, and array accesses there cost a retain and a release each.
  private struct View {
    var arena: UnsafeBufferPointer<UInt8>
    var keyBytes: UnsafeBufferPointer<UInt8>
    var entries: UnsafeBufferPointer<Entry>
  }

  /// Calls `body` with a view of each of `buffers`, valid inside `body` only.
  private static func withViews<R>(
    _ buffers: ArraySlice<StatelessPartitionBuffer>, collected: [View], _ body: ([View]) throws -> R
  ) rethrows -> R {
    guard let first = buffers.first else { return try body(collected) }
    return try first.arena.bytes.withUnsafeBufferPointer { arena in
      try first.keyBytes.withUnsafeBufferPointer { keyBytes in
        try first.entries.withUnsafeBufferPointer { entries in
          try withViews(
            buffers.dropFirst(), collected: collected + [View(arena: arena, keyBytes: keyBytes, entries: entries)],
            body)
        }
      }
    }
  }

  /// One event of one buffer, for the sort: its key's prefix, where its key lies in its buffer's
  /// key bytes, and the event (buffer, index). Most comparisons are two integer compares; bytes
  /// are compared only when the prefixes tie.
  private struct GroupEntry {
    var prefix: (UInt64, UInt64)
    var keyStart: Int32
    var keyLength: Int32
    var buffer: Int32
    var index: Int32

    func key(_ views: UnsafeBufferPointer<View>) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(
        rebasing: views[Int(buffer)].keyBytes[Int(keyStart)..<Int(keyStart) + Int(keyLength)])
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
        ? Int(a.keyLength) - Int(b.keyLength) : KeyOrder.compare(a.key(views), b.key(views))
      if order != 0 { return order < 0 }
      return a.buffer != b.buffer ? a.buffer < b.buffer : a.index < b.index
    }
  }

  private static func groupPayload(
    _ run: ArraySlice<GroupEntry>, views: UnsafeBufferPointer<View>, into writer: inout ByteWriter
  ) {
    let key = run[run.startIndex].key(views)
    writer.writeCount(key.count)
    writer.writeBytes(key)
    writer.writeCount(run.count)
    for entry in run {
      let view = views[Int(entry.buffer)]
      let event = view.entries[Int(entry.index)]
      writer.writeBytes(UnsafeBufferPointer(rebasing: view.arena[event.start..<event.end]))
    }
  }
}
