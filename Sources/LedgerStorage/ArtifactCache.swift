import Synchronization

/// A bounded least-recently-used cache of decoded artifact summaries, keyed by location.
///
/// Keys are immutable (a location names bytes that never change), so an entry never goes stale;
/// it is only dropped by eviction or `invalidate(part:)` when compaction deletes a part.
/// Each entry is charged `cost` bytes (by default the record's frame length). Thread-safe.
public final class ArtifactCache: Sendable {
  private let state: Mutex<State>

  /// A cache holding at most `capacityBytes` of entries.
  public init(capacityBytes: Int) {
    state = Mutex(State(capacity: max(0, capacityBytes)))
  }

  /// The summary cached for `location`, marking it recently used.
  public func get(_ location: ArtifactLocation) -> StoredSummary? {
    state.withLock { $0.get(location) }
  }

  /// Caches `summary` for `location`, charged `cost` bytes (default: `location.length`),
  /// evicting least recently used entries to stay within the budget. An entry larger than the
  /// whole budget is not cached.
  public func put(_ summary: StoredSummary, at location: ArtifactLocation, cost: Int? = nil) {
    let charge = max(1, cost ?? Int(location.length))
    state.withLock { $0.put(summary, at: location, cost: charge) }
  }

  /// An estimate of the memory `summary` takes once decoded and cached at `location` (strings
  /// over 15 UTF-8 bytes are heap-allocated; sets, dictionaries and arrays carry headers and
  /// slack). Pass it as `cost` so the budget bounds real memory, not record bytes.
  public static func decodedCost(of summary: StoredSummary, at location: ArtifactLocation) -> Int {
    func text(_ value: String) -> Int {
      let count = value.utf8.count
      return count > 15 ? 32 + count : 0
    }
    var cost = 160 + text(location.part) + text(summary.summary.orderID)
    cost += 64 + summary.summary.totals.count * 80
    cost += 32 + summary.segments.count * 40
    for segment in summary.segments { cost += text(segment.location.part) }
    if case .inline(let ids) = summary.ids {
      cost += 48 + ids.count * 24 + ids.stringsCost
    }
    return cost
  }

  /// Drops every entry stored in `part`.
  public func invalidate(part: String) {
    state.withLock { $0.invalidate(part: part) }
  }

  /// Drops every entry (counters are kept).
  public func removeAll() {
    state.withLock { $0.invalidate(where: { _ in true }) }
  }

  /// The current counters.
  public var stats: ArtifactCacheStats {
    state.withLock { s in
      ArtifactCacheStats(
        hits: s.hits, misses: s.misses, evictions: s.evictions, entries: s.index.count,
        bytes: s.bytes, capacity: s.capacity)
    }
  }

  /// The LRU list lives in `nodes` (indices as links, a free list for reuse): no allocation per hit.
  private struct State: ~Copyable {
    struct Node {
      var location: ArtifactLocation
      var summary: StoredSummary?
      var cost: Int
      var prev: Int
      var next: Int
    }

    let capacity: Int
    var index: [ArtifactLocation: Int] = [:]
    var nodes: [Node] = []
    var free: [Int] = []
    var head = -1  // most recently used
    var tail = -1  // least recently used
    var bytes = 0
    var hits = 0
    var misses = 0
    var evictions = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func get(_ location: ArtifactLocation) -> StoredSummary? {
      guard let slot = index[location] else {
        misses += 1
        return nil
      }
      hits += 1
      unlink(slot)
      pushFront(slot)
      return nodes[slot].summary
    }

    mutating func put(_ summary: StoredSummary, at location: ArtifactLocation, cost: Int) {
      if let slot = index[location] { remove(slot) }
      guard cost <= capacity else { return }
      while bytes + cost > capacity, tail >= 0 {
        remove(tail)
        evictions += 1
      }
      let node = Node(location: location, summary: summary, cost: cost, prev: -1, next: -1)
      let slot: Int
      if let reused = free.popLast() {
        nodes[reused] = node
        slot = reused
      } else {
        nodes.append(node)
        slot = nodes.count - 1
      }
      index[location] = slot
      bytes += cost
      pushFront(slot)
    }

    mutating func invalidate(part: String) {
      invalidate(where: { $0.part == part })
    }

    mutating func invalidate(where shouldDrop: (ArtifactLocation) -> Bool) {
      for (location, slot) in index where shouldDrop(location) { remove(slot) }
    }

    private mutating func remove(_ slot: Int) {
      unlink(slot)
      index.removeValue(forKey: nodes[slot].location)
      bytes -= nodes[slot].cost
      nodes[slot].summary = nil
      free.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
      let (prev, next) = (nodes[slot].prev, nodes[slot].next)
      if prev >= 0 { nodes[prev].next = next } else { head = next }
      if next >= 0 { nodes[next].prev = prev } else { tail = prev }
      nodes[slot].prev = -1
      nodes[slot].next = -1
    }

    private mutating func pushFront(_ slot: Int) {
      nodes[slot].next = head
      nodes[slot].prev = -1
      if head >= 0 { nodes[head].prev = slot }
      head = slot
      if tail < 0 { tail = slot }
    }
  }
}
