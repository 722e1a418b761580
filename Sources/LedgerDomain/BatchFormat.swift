/// The content format of an input batch file, from its extension.
public enum BatchFormat: String, Sendable, Hashable, CaseIterable {
  /// JSON Lines, one event object per line (`.jsonl`).
  case jsonl
  /// RFC 4180 CSV with a header row (`.csv`).
  case csv
}
