/// Names of input sources: the `<source>` directory in `inbox/<source>/` (SPEC §2).
public enum SourceName {
  /// Whether `s` matches `[a-z0-9][a-z0-9-]{0,63}`: 1 to 64 bytes of lowercase ASCII letters,
  /// digits and `-`, not starting with `-`.
  public static func isValid(_ s: String) -> Bool {
    var count = 0
    for byte in s.utf8 {
      let isAlphanumeric =
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
      guard isAlphanumeric || (count > 0 && byte == UInt8(ascii: "-")) else { return false }
      count += 1
      guard count <= 64 else { return false }
    }
    return count > 0
  }
}
