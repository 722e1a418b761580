/// The content format of an input batch file, from its extension.
public enum BatchFormat: String, Sendable, Hashable, CaseIterable {
  /// JSON Lines, one event object per line (`.jsonl`).
  case jsonl
  /// RFC 4180 CSV with a header row (`.csv`).
  case csv
}

extension BatchFormat {
  /// Whether `bytes`, a whole file of this format, can hold no event whatever its lines say:
  /// nothing but blank lines (and a byte-order mark) in JSON Lines; at most one line that is not
  /// blank in CSV (the header, or the first record taken for one). Such files are all alike in
  /// what they carry (SPEC §2: an empty file is a valid empty batch), so two of them are never
  /// duplicates of each other. A CSV line counted here is a physical line: a header holding a
  /// quoted newline counts as two, and the file is then treated as holding events.
  public func holdsNoEvents(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let content = UnsafeBufferPointer(rebasing: bytes[ByteOrderMark.length(at: bytes)...])
    let allowed = self == .csv ? 1 : 0
    var filled = 0
    var start = 0
    while start <= content.count {
      let end = content[start...].firstIndex(of: UInt8(ascii: "\n")) ?? content.count
      if !BlankLine.isBlank(UnsafeBufferPointer(rebasing: content[start..<end])) {
        filled += 1
        if filled > allowed { return false }
      }
      start = end + 1
    }
    return true
  }
}
