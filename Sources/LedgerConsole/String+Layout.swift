extension String {
  /// This text cut or space-padded to exactly `width` characters.
  func padded(to width: Int) -> String {
    let count = self.count
    if count >= width { return String(prefix(max(0, width))) }
    return self + String(repeating: " ", count: width - count)
  }

  /// This text right-aligned in `width` characters (cut on the left if longer).
  func rightAligned(to width: Int) -> String {
    let count = self.count
    if count >= width { return String(suffix(max(0, width))) }
    return String(repeating: " ", count: width - count) + self
  }

  /// This text cut to `width` characters, ending in `…` when cut.
  func truncated(to width: Int, ellipsis: String = "…") -> String {
    guard count > width else { return self }
    guard width > ellipsis.count else { return String(prefix(max(0, width))) }
    return String(prefix(width - ellipsis.count)) + ellipsis
  }
}
