#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The order of keys on disk: ascending UTF-8 bytes (memcmp), which is SQLite's BINARY collation
/// and the order reduce writes stateless groups in. `String`'s own `<` compares Unicode scalars
/// after normalization, which is slower and can differ for non-ASCII keys.
public enum KeyOrder {
  /// Whether `a` sorts before `b` by their UTF-8 bytes.
  @inlinable
  public static func precedes(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y in compare(x, y) < 0 }
    }
    if let fast, let result = fast { return result }
    return a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  /// Whether `a` and `b` have the same UTF-8 bytes (not Swift's `==`, which equates canonically
  /// equivalent texts).
  @inlinable
  public static func same(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y in x.count == y.count && compare(x, y) == 0 }
    }
    if let fast, let result = fast { return result }
    return a.utf8.elementsEqual(b.utf8)
  }

  /// memcmp order of `a` and `b`, a prefix first: negative, zero or positive.
  @inlinable
  public static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let common = min(a.count, b.count)
    if common > 0, let x = a.baseAddress, let y = b.baseAddress {
      let order = memcmp(x, y, common)
      if order != 0 { return Int(order) }
    }
    return a.count - b.count
  }
}
