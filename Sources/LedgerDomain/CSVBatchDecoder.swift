/// Decodes a whole CSV batch file (RFC 4180, SPEC §2) into events and rejections.
///
/// The first record that is not blank is the header and names the fields; a leading UTF-8 byte order mark is
/// skipped, and so are blank records (counted). Columns the header does not name default to:
/// `kind` `charge`, `currency` the configured default, `ts` the batch's `from` (RFC 3339), and
/// `id` `<source>/<file>#<line>` with the record's 1-based starting physical line (the header
/// is line 1). So the seed's two-column `order_id,amount` files ingest as they are. In a column
/// the header names, an empty cell is a missing value: a required field left empty rejects the
/// line (an empty `id` is never replaced by a positional id, which would double-count a re-sent
/// file). Unknown columns become extras whose raw JSON is the cell as a JSON string. Otherwise
/// the field rules are the JSON Lines ones.
///
/// Checks per record, first failure wins: a header problem (every record is rejected with it),
/// record length, UTF-8, CSV syntax, field count, then the field rules.
public struct CSVBatchDecoder {
  /// The source the file belongs to (`inbox/<source>/`).
  public let source: String
  /// The batch file's name.
  public let file: String
  /// The batch interval's start: the default `ts`.
  public let batchFrom: BatchInstant
  /// The default `currency`.
  public let defaultCurrency: Currency

  /// A decoder for `file` of `source`, whose interval starts at `batchFrom`.
  public init(
    source: String, file: String, batchFrom: BatchInstant, defaultCurrency: Currency = .usd
  ) {
    self.source = source
    self.file = file
    self.batchFrom = batchFrom
    self.defaultCurrency = defaultCurrency
  }

  /// Calls `body` once per non-blank data record, in order, with the event or its
  /// ``Rejection`` (whose excerpt is the record's text, lossily decoded, at most 512 bytes).
  /// Returns how many blank records were skipped.
  @discardableResult
  public func decode(
    _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Result<Event, Rejection>) throws -> Void
  ) rethrows -> Int {
    let content = UnsafeBufferPointer(rebasing: bytes[ByteOrderMark.length(at: bytes)...])
    var reader = CSVRecordReader(content)
    var fields: [CSVRecordReader.Field] = []
    // Blank lines are skipped wherever they are (SPEC §2), before the header too: the header is
    // the first record that is not blank.
    var blank = 0
    var first = reader.next(&fields)
    while let record = first, record.problem == nil,
      BlankLine.isBlank(UnsafeBufferPointer(rebasing: content[record.text]))
    {
      blank += 1
      first = reader.next(&fields)
    }
    guard let headerRecord = first else { return blank }
    let header = CSVHeader(content, record: headerRecord, fields: fields)
    let defaults = EventDefaults(
      id: nil, kind: header.names(.kind) ? nil : .charge,
      currency: header.names(.currency) ? nil : defaultCurrency,
      ts: header.names(.ts) ? nil : batchFrom.rfc3339)
    while let record = reader.next(&fields) {
      let text = UnsafeBufferPointer(rebasing: content[record.text])
      if record.problem == nil, BlankLine.isBlank(text) {
        blank += 1
        continue
      }
      let origin = EventOrigin(source: source, file: file, line: record.line)
      switch decodeRecord(content, record, fields, header, defaults, origin) {
      case .success(let event):
        try body(.success(event))
      case .failure(let reason):
        try body(
          .failure(Rejection(origin: origin, reason: reason, excerpt: RejectExcerpt.excerpt(text))))
      }
    }
    return blank
  }

  private func decodeRecord(
    _ bytes: UnsafeBufferPointer<UInt8>, _ record: CSVRecordReader.Record,
    _ fields: [CSVRecordReader.Field], _ header: CSVHeader, _ defaults: EventDefaults,
    _ origin: EventOrigin
  ) -> Result<Event, RejectReason> {
    if let problem = header.problem { return .failure(problem) }
    let text = UnsafeBufferPointer(rebasing: bytes[record.text])
    guard text.count <= EventDecoder.maxLineBytes else {
      return .failure(.lineTooLong(bytes: text.count))
    }
    if let offset = UTF8Validation.firstInvalidOffset(text) {
      return .failure(.invalidUTF8(byteOffset: offset))
    }
    if let problem = record.problem { return .failure(.csvMalformed(detail: problem)) }
    guard fields.count == header.columns.count else {
      return .failure(.csvFieldCount(expected: header.columns.count, got: fields.count))
    }
    return event(bytes, fields, header, defaults, origin)
  }

  private func event(
    _ bytes: UnsafeBufferPointer<UInt8>, _ fields: [CSVRecordReader.Field], _ header: CSVHeader,
    _ defaults: EventDefaults, _ origin: EventOrigin
  ) -> Result<Event, RejectReason> {
    var locations = FieldTable<FieldLocation>(repeating: .absent)
    var scratch: [UInt8] = []
    var extras: [ExtraField] = []
    for (column, field) in zip(header.columns, fields) where !field.range.isEmpty {
      switch column {
      case .known(let known):
        locations[known] = Self.location(bytes, field, scratch: &scratch)
      case .extra(let name):
        extras.append(
          ExtraField(name: name, rawJSON: JSONStringLiteral.quoted(Self.cellText(bytes, field))))
      }
    }
    var defaults = defaults
    if !header.names(.id) { defaults.id = "\(source)/\(file)#\(origin.line)" }
    let result = scratch.withUnsafeBufferPointer { scratchBuffer in
      EventFieldRules.event(
        locations.values(line: bytes, scratch: scratchBuffer), defaults: defaults, origin: origin)
    }
    guard !extras.isEmpty, case .success(var event) = result else { return result }
    event.extras = extras
    return .success(event)
  }

  // MARK: - Cells

  private static func location(
    _ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVRecordReader.Field, scratch: inout [UInt8]
  ) -> FieldLocation {
    guard field.hasDoubledQuotes else { return .text(field.range, inScratch: false) }
    let start = scratch.count
    appendUnescaped(bytes, field, to: &scratch)
    return .text(start..<scratch.count, inScratch: true)
  }

  /// A cell's text with `""` turned into `"`.
  static func cellText(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVRecordReader.Field) -> String {
    guard field.hasDoubledQuotes else {
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[field.range]), as: UTF8.self)
    }
    var unescaped: [UInt8] = []
    appendUnescaped(bytes, field, to: &unescaped)
    return String(decoding: unescaped, as: UTF8.self)
  }

  private static func appendUnescaped(
    _ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVRecordReader.Field, to output: inout [UInt8]
  ) {
    var index = field.range.lowerBound
    while index < field.range.upperBound {
      output.append(bytes[index])
      index += bytes[index] == UInt8(ascii: "\"") ? 2 : 1
    }
  }
}
