/// A parsed input batch file name, `<from>_<to>.jsonl` or `<from>_<to>.csv` (SPEC §2): the
/// half-open interval `[from, to)` in which the file's events arrived.
public struct BatchFileName: Sendable, Hashable, CustomStringConvertible {
  /// The file name as found in the inbox.
  public let name: String
  /// Start of the interval (inclusive).
  public let from: BatchInstant
  /// End of the interval (exclusive); always after `from`.
  public let to: BatchInstant
  /// The content format, from the extension.
  public let format: BatchFormat

  /// Parses `name`; a refusal says which part is wrong. Extensions are case-sensitive.
  public static func parse(_ name: String) -> Result<BatchFileName, FileRefusal> {
    let format: BatchFormat
    let stem: Substring
    if name.hasSuffix(".jsonl") {
      format = .jsonl
      stem = name.dropLast(6)
    } else if name.hasSuffix(".csv") {
      format = .csv
      stem = name.dropLast(4)
    } else {
      return .failure(.badName(name: name, detail: "the extension must be .jsonl or .csv"))
    }
    let parts = stem.split(separator: "_", omittingEmptySubsequences: false)
    guard parts.count == 2 else {
      return .failure(
        .badName(name: name, detail: "expected exactly one '_' between <from> and <to>"))
    }
    guard let from = BatchInstant(basic: String(parts[0])) else {
      return .failure(.badName(name: name, detail: invalidInstant("<from>", parts[0])))
    }
    guard let to = BatchInstant(basic: String(parts[1])) else {
      return .failure(.badName(name: name, detail: invalidInstant("<to>", parts[1])))
    }
    guard from < to else { return .failure(.emptyInterval(name: name)) }
    return .success(BatchFileName(name: name, from: from, to: to, format: format))
  }

  /// Whether `name` is a file a producer is still writing (starts with `.` or ends with
  /// `.tmp`). The engine never reads, parses or refuses such a file.
  public static func isInProgress(_ name: String) -> Bool {
    name.hasPrefix(".") || name.hasSuffix(".tmp")
  }

  /// Whether the half-open intervals `[from, to)` of `self` and `other` share an instant.
  /// Adjacent batches (`self.to == other.from`) do not overlap.
  public func overlaps(_ other: BatchFileName) -> Bool {
    from < other.to && other.from < to
  }

  /// The file name.
  public var description: String { name }

  private static func invalidInstant(_ role: String, _ text: Substring) -> String {
    "\(role) \"\(text)\" is not a valid UTC instant YYYYMMDDTHHMMSSZ"
  }
}
