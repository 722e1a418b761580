/// The header row of a CSV batch: which field each column holds, or why every record of the
/// file must be rejected because of it.
struct CSVHeader {
  /// What a column holds.
  enum Column {
    case known(KnownField)
    /// An unknown column, kept as an extra field under this name.
    case extra(String)
  }

  let columns: [Column]
  /// Set when the header itself is unusable; every record is rejected with it.
  let problem: RejectReason?

  /// Whether a column of the header holds `field` (then its empty cells are missing values,
  /// never defaulted).
  func names(_ field: KnownField) -> Bool {
    columns.contains { column in
      if case .known(let known) = column { return known == field }
      return false
    }
  }

  /// Reads the header from the first record of `bytes`.
  init(_ bytes: UnsafeBufferPointer<UInt8>, record: CSVRecordReader.Record, fields: [CSVRecordReader.Field]) {
    let text = UnsafeBufferPointer(rebasing: bytes[record.text])
    if text.count > EventDecoder.maxLineBytes {
      self.init(problem: .csvMalformed(detail: "the header row (line 1) is longer than 65536 bytes"))
    } else if let offset = UTF8Validation.firstInvalidOffset(text) {
      self.init(
        problem: .csvMalformed(
          detail: "the header row (line 1) is not valid UTF-8 (bad byte at offset \(offset))"))
    } else if let problem = record.problem {
      self.init(problem: .csvMalformed(detail: "the header row (line 1) is malformed: \(problem)"))
    } else {
      self.init(names: fields.map { CSVBatchDecoder.cellText(bytes, $0) })
    }
  }

  private init(problem: RejectReason) {
    columns = []
    self.problem = problem
  }

  private init(names: [String]) {
    var seen = Set<String>()
    var repeated: String?
    var columns: [Column] = []
    for name in names {
      if !seen.insert(name).inserted, repeated == nil { repeated = name }
      let known = Array(name.utf8).withUnsafeBufferPointer { KnownField.named($0) }
      columns.append(known.map(Column.known) ?? .extra(name))
    }
    self.columns = columns
    problem = repeated.map { .duplicateKey(RejectExcerpt.value(Array($0.utf8))) }
  }
}
