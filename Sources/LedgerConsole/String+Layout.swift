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

  /// This text cut to `width` characters by dropping its middle, so both ends stay readable
  /// (`/tmp/led…/data`, `corrections/2026…01Z.jsonl`).
  func truncatedMiddle(to width: Int, ellipsis: String = "…") -> String {
    guard count > width else { return self }
    guard width > ellipsis.count else { return String(prefix(max(0, width))) }
    let keep = width - ellipsis.count
    return String(prefix(keep - keep / 2)) + ellipsis + String(suffix(keep / 2))
  }

  /// This text word-wrapped into lines of at most `width` characters; a word longer than a
  /// line is split. An empty text is one empty line.
  func wrapped(to width: Int) -> [String] {
    let limit = max(1, width)
    var lines: [String] = []
    var current = ""
    for word in split(separator: " ", omittingEmptySubsequences: false) {
      var word = Substring(word)
      if !current.isEmpty, current.count + 1 + word.count <= limit {
        current += " " + word
        continue
      }
      if !current.isEmpty { lines.append(current) }
      while word.count > limit {
        lines.append(String(word.prefix(limit)))
        word = word.dropFirst(limit)
      }
      current = String(word)
    }
    lines.append(current)
    return lines
  }
}

extension Int {
  /// The number with `grouping` between each group of three digits: `31,000`.
  func formatted(grouping: String) -> String {
    let digits = String(magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out += grouping }
      out.append(character)
    }
    return (self < 0 ? "-" : "") + out
  }
}
