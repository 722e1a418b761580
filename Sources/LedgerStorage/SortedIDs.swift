/// A set of event ids kept sorted by their UTF-8 bytes (`KeyOrder`), packed as the summary
/// record stores them: each id a varint byte length then its bytes, ascending, no repeats.
/// Decoding a summary copies the ids without building a `String` each, a membership test is a
/// binary search over the bytes, adding a batch's ids is a merge of byte runs, and encoding
/// writes the packed bytes as they are.
///
/// Ids are bytes: two ids that Swift's `==` calls equal (canonically equivalent Unicode) are two
/// ids here, as the key index's event-id table and the order ids see them.
public struct SortedIDs: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
  /// The ids as the summary record writes them (without the count).
  public private(set) var packed: [UInt8] = []
  /// Where each id's bytes lie in `packed`: start in the high 32 bits, length in the low 32.
  private var spans: [UInt64] = []

  /// The empty set.
  public init() {}

  /// The set of `ids`, in any order, repeats dropped.
  public init(_ ids: some Sequence<String>) {
    var sorted = Array(ids)
    sorted.sort(by: KeyOrder.precedes)
    for id in sorted where spans.isEmpty || !Self.withBytes(of: id, { lastIs($0) }) {
      Self.withBytes(of: id) { append($0) }
    }
  }

  /// The set of the listed ids.
  public init(arrayLiteral ids: String...) {
    self.init(ids)
  }

  /// Ids already ascending by bytes and unique (checked; nil otherwise).
  public init?(sortedUnique ids: [String]) {
    reserve(count: ids.count, bytes: ids.reduce(0) { $0 + $1.utf8.count + 1 })
    for id in ids {
      guard Self.withBytes(of: id, { appendIfAscending($0) }) else { return nil }
    }
  }

  /// The ids whose bytes lie at `spans` of `bytes` (in any order; repeats dropped).
  public init(spans idSpans: [Range<Int>], of bytes: [UInt8]) {
    self = SortedIDs().union(spans: idSpans, of: bytes)
  }

  /// Builds a set from ids read one by one, checking they ascend (as a decoded summary's do).
  public struct Builder: Sendable {
    fileprivate var set = SortedIDs()
    /// False once an id did not ascend: the record was not written by this codec.
    public private(set) var ascending = true

    /// A builder with room for `capacity` ids taking about `bytes` packed bytes.
    public init(capacity: Int, bytes: Int) {
      set.reserve(count: capacity, bytes: bytes)
    }

    /// Appends `id` if it sorts after every id so far; otherwise marks the builder not ascending.
    public mutating func append(_ id: UnsafeBufferPointer<UInt8>) {
      if ascending, !set.appendIfAscending(id) { ascending = false }
    }

    /// The set, when every id ascended.
    public func finish() -> SortedIDs? { ascending ? set : nil }
  }

  /// How many ids the set holds.
  public var count: Int { spans.count }
  /// Whether the set holds no id.
  public var isEmpty: Bool { spans.isEmpty }

  /// The ids, ascending by bytes.
  public var ids: [String] { Array(self) }

  /// The ids as a hash set (where canonically equivalent ids become one).
  public var asSet: Set<String> { Set(self) }

  /// An iterator over the ids as strings.
  public struct Iterator: IteratorProtocol {
    fileprivate let set: SortedIDs
    fileprivate var index = 0

    /// The next id, ascending by bytes.
    public mutating func next() -> String? {
      guard index < set.count else { return nil }
      defer { index += 1 }
      return set.withID(at: index) { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// Iterates the ids as strings, ascending by bytes.
  public func makeIterator() -> Iterator { Iterator(set: self) }

  /// Calls `body` with the bytes of the `index`-th id.
  public func withID<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let (start, length) = Self.unpack(spans[index])
    return try packed.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<start + length])) }
  }

  /// Whether `id` is in the set (binary search over the bytes).
  public func contains(_ id: String) -> Bool {
    Self.withBytes(of: id) { contains(bytes: $0) }
  }

  /// Whether the id whose UTF-8 bytes are `id` is in the set (binary search, no `String` built).
  public func contains(bytes id: UnsafeBufferPointer<UInt8>) -> Bool {
    packed.withUnsafeBufferPointer { buffer in
      var low = 0
      var high = spans.count
      while low < high {
        let mid = (low + high) / 2
        if KeyOrder.compare(Self.bytes(spans[mid], buffer), id) < 0 { low = mid + 1 } else { high = mid }
      }
      return low < spans.count && KeyOrder.compare(Self.bytes(spans[low], buffer), id) == 0
    }
  }

  /// This set with `more` added.
  public func union(_ more: some Sequence<String>) -> SortedIDs {
    union(SortedIDs(more))
  }

  /// This set with every id of `more` added (a merge of two sorted runs of bytes).
  public func union(_ more: SortedIDs) -> SortedIDs {
    guard !more.isEmpty else { return self }
    guard !isEmpty else { return more }
    return more.packed.withUnsafeBufferPointer { theirs in
      merging(count: more.count, bytes: more.packed.count) { Self.bytes(more.spans[$0], theirs) }
    }
  }

  /// This set with the ids whose bytes lie at `spans` of `bytes` added (in any order; repeats
  /// dropped): sorted by their bytes in place and merged, no `String` built.
  public func union(spans idSpans: [Range<Int>], of bytes: [UInt8]) -> SortedIDs {
    guard !idSpans.isEmpty else { return self }
    return bytes.withUnsafeBufferPointer { buffer in
      func id(_ span: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[span]) }
      var order = idSpans
      if order.count <= 16 {
        for i in order.indices.dropFirst() {
          let moving = order[i]
          var j = i
          while j > 0, KeyOrder.compare(id(moving), id(order[j - 1])) < 0 {
            order[j] = order[j - 1]
            j -= 1
          }
          order[j] = moving
        }
      } else {
        order.sort { KeyOrder.compare(id($0), id($1)) < 0 }
      }
      let added = order.reduce(0) { $0 + $1.count + 1 }
      return merging(count: order.count, bytes: added) { id(order[$0]) }
    }
  }

  /// This set merged with `count` ids ascending by bytes (`id(k)`, repeats allowed), taking
  /// about `bytes` more packed bytes.
  private func merging(count: Int, bytes: Int, _ id: (Int) -> UnsafeBufferPointer<UInt8>) -> SortedIDs {
    var merged = SortedIDs()
    merged.reserve(count: self.count + count, bytes: packed.count + bytes)
    packed.withUnsafeBufferPointer { mine in
      var i = 0
      var j = 0
      while i < spans.count, j < count {
        let a = Self.bytes(spans[i], mine)
        let b = id(j)
        let order = KeyOrder.compare(a, b)
        if order <= 0 {
          merged.append(a)
          i += 1
          if order == 0 { j += 1 }
        } else {
          if !merged.lastIs(b) { merged.append(b) }
          j += 1
        }
      }
      for k in i..<spans.count { merged.append(Self.bytes(spans[k], mine)) }
      for k in j..<count where !merged.lastIs(id(k)) { merged.append(id(k)) }
    }
    return merged
  }

  /// Equal sets pack to equal bytes.
  public static func == (a: SortedIDs, b: SortedIDs) -> Bool {
    a.spans.count == b.spans.count && a.packed == b.packed
  }

  /// The memory the ids would take as `[String]` (16 bytes of array slot each, a heap buffer
  /// for any over 15 bytes): what a cached summary's budget has charged for them.
  public var stringsCost: Int {
    var cost = 0
    for span in spans {
      let length = Self.unpack(span).length
      cost += length > 15 ? 32 + length : 0
    }
    return cost
  }

  // MARK: Packing

  private mutating func reserve(count: Int, bytes: Int) {
    spans.reserveCapacity(count)
    packed.reserveCapacity(bytes)
  }

  /// Appends `id` (which must sort after every id so far).
  private mutating func append(_ id: UnsafeBufferPointer<UInt8>) {
    var length = UInt64(id.count)
    while length >= 0x80 {
      packed.append(UInt8(truncatingIfNeeded: length) | 0x80)
      length >>= 7
    }
    packed.append(UInt8(length))
    spans.append(UInt64(packed.count) << 32 | UInt64(id.count))
    packed.append(contentsOf: id)
  }

  /// Appends `id` if it sorts after every id so far (by bytes, so a repeat fails too).
  private mutating func appendIfAscending(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
    if let last = spans.last {
      let ascends = packed.withUnsafeBufferPointer { KeyOrder.compare(Self.bytes(last, $0), id) < 0 }
      guard ascends else { return false }
    }
    append(id)
    return true
  }

  private func lastIs(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let last = spans.last else { return false }
    return packed.withUnsafeBufferPointer { KeyOrder.compare(Self.bytes(last, $0), id) == 0 }
  }

  private static func unpack(_ span: UInt64) -> (start: Int, length: Int) {
    (Int(span >> 32), Int(span & 0xFFFF_FFFF))
  }

  private static func bytes(_ span: UInt64, _ buffer: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    let (start, length) = unpack(span)
    return UnsafeBufferPointer(rebasing: buffer[start..<start + length])
  }

  private static func withBytes<R>(of id: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = id.utf8.withContiguousStorageIfAvailable(body) { return result }
    return Array(id.utf8).withUnsafeBufferPointer(body)
  }
}
