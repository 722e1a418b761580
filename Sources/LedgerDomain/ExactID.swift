/// An id (an event's or an order's) compared by its UTF-8 bytes. Swift's `String ==` (and
/// `Set<String>`, `[String: …]`) treats canonically equivalent texts as equal (`"é"` and
/// `"e\u{301}"`); ids are bytes to every other part of the system (reduce, the key index, the
/// part files, SQL), so sets and maps of ids use this: two ids that differ in a byte are two
/// events, or two orders.
public struct ExactID: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  public let value: String

  public init(_ value: String) {
    self.value = value
  }

  public init(stringLiteral value: String) {
    self.value = value
  }

  public static func == (a: ExactID, b: ExactID) -> Bool {
    // In place where both strings are contiguous (native ones are): the generic comparison of
    // two UTF-8 views costs tens of instructions a byte.
    let fast = a.value.utf8.withContiguousStorageIfAvailable { x in
      b.value.utf8.withContiguousStorageIfAvailable { y in x.count == y.count && x.elementsEqual(y) }
    }
    if let fast, let same = fast { return same }
    return a.value.utf8.elementsEqual(b.value.utf8)
  }

  public func hash(into hasher: inout Hasher) {
    var copy = value
    copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }

  public var description: String { value }
}
