import LedgerDomain

/// How an artifact remembers which event ids it already holds (for idempotency).
public enum EventIDSet: Sendable, Equatable {
  /// Small artifacts keep every id inline in the summary record.
  case inline(SortedIDs)
  /// Large artifacts keep their ids in the key index's event-id table (`KeyIndex.knownEventIDs`).
  case external
}

/// The summary record of one artifact version as stored: the domain summary, the ordered list of
/// its line segments, and its id set.
public struct StoredSummary: Sendable, Equatable {
  public var summary: ArtifactSummary
  /// Line segments, oldest first; concatenated they are the artifact's lines in arrival order.
  public var segments: [SegmentRef]
  public var ids: EventIDSet

  /// Above this many lines an artifact's ids move from the summary to the key index.
  public static let inlineIDLimit = 1024

  public init(summary: ArtifactSummary, segments: [SegmentRef], ids: EventIDSet) {
    self.summary = summary
    self.segments = segments
    self.ids = ids
  }
}

/// A set of event ids kept as an array sorted by their UTF-8 bytes (`KeyOrder`), the order the
/// summary record stores them in: decoding appends without hashing, a membership test is a
/// binary search, adding a batch's ids is a merge, and encoding needs no sort.
public struct SortedIDs: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
  /// The ids, ascending by bytes, without repeats.
  public private(set) var ids: [String]

  /// The set of `ids`, in any order, repeats dropped.
  public init(_ ids: some Sequence<String>) {
    var sorted = Array(ids)
    sorted.sort(by: KeyOrder.precedes)
    var unique: [String] = []
    unique.reserveCapacity(sorted.count)
    for id in sorted where unique.last.map({ !Self.same($0, id) }) ?? true { unique.append(id) }
    self.ids = unique
  }

  public init(arrayLiteral ids: String...) {
    self.init(ids)
  }

  /// Ids already ascending by bytes and unique (as decoded from a summary; checked).
  public init?(sortedUnique ids: [String]) {
    for i in ids.indices.dropFirst() where !KeyOrder.precedes(ids[i - 1], ids[i]) { return nil }
    // (`precedes` is byte order, so equal bytes fail it: no repeats either.)
    self.ids = ids
  }

  public var count: Int { ids.count }
  public var isEmpty: Bool { ids.isEmpty }

  public func makeIterator() -> IndexingIterator<[String]> { ids.makeIterator() }

  /// Whether `id` is in the set (binary search).
  public func contains(_ id: String) -> Bool {
    var low = 0
    var high = ids.count
    while low < high {
      let mid = (low + high) / 2
      if KeyOrder.precedes(ids[mid], id) { low = mid + 1 } else { high = mid }
    }
    return low < ids.count && Self.same(ids[low], id)
  }

  /// Whether the id whose UTF-8 bytes are `id` is in the set (binary search, no `String` built).
  public func contains(bytes id: UnsafeBufferPointer<UInt8>) -> Bool {
    var low = 0
    var high = ids.count
    while low < high {
      let mid = (low + high) / 2
      if Self.compare(ids[mid], id) < 0 { low = mid + 1 } else { high = mid }
    }
    return low < ids.count && Self.compare(ids[low], id) == 0
  }

  /// memcmp order of `a`'s UTF-8 bytes and `b`.
  private static func compare(_ a: String, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    a.utf8.withContiguousStorageIfAvailable { KeyOrder.compare($0, b) }
      ?? (a.utf8.elementsEqual(b) ? 0 : a.utf8.lexicographicallyPrecedes(b) ? -1 : 1)
  }

  /// Byte equality: two ids that Swift's `==` calls equal (canonically equivalent Unicode) are
  /// still two ids, as the key index's event-id table and the order ids see them.
  static func same(_ a: String, _ b: String) -> Bool {
    KeyOrder.same(a, b)
  }

  /// This set with `more` added (a merge of two sorted lists).
  public func union(_ more: some Sequence<String>) -> SortedIDs {
    union(SortedIDs(more))
  }

  /// This set with every id of `more` added (a merge of two sorted lists).
  public func union(_ more: SortedIDs) -> SortedIDs {
    let added = more.ids
    guard !added.isEmpty else { return self }
    var merged: [String] = []
    merged.reserveCapacity(ids.count + added.count)
    var i = 0
    var j = 0
    while i < ids.count, j < added.count {
      if Self.same(ids[i], added[j]) {
        merged.append(ids[i])
        i += 1
        j += 1
      } else if KeyOrder.precedes(ids[i], added[j]) {
        merged.append(ids[i])
        i += 1
      } else {
        merged.append(added[j])
        j += 1
      }
    }
    merged += ids[i...]
    merged += added[j...]
    var out = self
    out.ids = merged
    return out
  }

  /// The ids as a hash set (where canonically equivalent ids become one).
  public var asSet: Set<String> { Set(ids) }

  public static func == (a: SortedIDs, b: SortedIDs) -> Bool {
    a.ids.count == b.ids.count && zip(a.ids, b.ids).allSatisfy { same($0, $1) }
  }
}
