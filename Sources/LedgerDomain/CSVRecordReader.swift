/// Splits a CSV file (RFC 4180) into records of fields, as byte ranges, without copying.
///
/// Separator `,`; records end with LF or CRLF (the last one may have no terminator); a field
/// in double quotes may hold `,`, CR, LF and `""` (one quote). Physical lines are counted so
/// each record knows the line it starts on (the first record is line 1). A malformed record
/// (a stray quote, text after a closing quote, a bare CR) ends at the end of the physical line
/// where the problem is; a quote that is never closed makes only its record's first physical
/// line malformed, and reading resumes on the next line, so one bad quote cannot swallow the
/// rest of the file.
struct CSVRecordReader {
  /// One field of a record.
  struct Field {
    /// The field's content: for a quoted field, between the quotes (`""` not yet unescaped).
    var range: Range<Int>
    /// Whether the content holds `""` pairs that stand for one quote each.
    var hasDoubledQuotes: Bool
  }

  /// One record: where it starts, its text (without the line terminator) and its problem.
  struct Record {
    /// The 1-based physical line on which the record starts.
    var line: Int
    var text: Range<Int>
    /// Why the record is malformed, or `nil`.
    var problem: String?
  }

  let bytes: UnsafeBufferPointer<UInt8>
  private(set) var position = 0
  private(set) var line = 1

  /// A reader over `bytes` (any byte order mark already removed).
  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  private enum FieldEnd {
    case comma
    case recordEnd(textEnd: Int)
    case malformed(String)
    case unterminated
  }

  /// The next record, its fields in `fields` (cleared first); `nil` at the end of the file.
  mutating func next(_ fields: inout [Field]) -> Record? {
    guard position < bytes.count else { return nil }
    fields.removeAll(keepingCapacity: true)
    let start = position
    let startLine = line
    while true {
      let isQuoted = position < bytes.count && bytes[position] == UInt8(ascii: "\"")
      let end = isQuoted ? quotedField(&fields) : unquotedField(&fields)
      switch end {
      case .comma:
        continue
      case .recordEnd(let textEnd):
        return Record(line: startLine, text: start..<textEnd, problem: nil)
      case .malformed(let problem):
        return Record(line: startLine, text: start..<skipRestOfLine(), problem: problem)
      case .unterminated:
        position = start
        line = startLine
        return Record(
          line: startLine, text: start..<skipRestOfLine(),
          problem: "field \(fields.count + 1) opens a quote that is never closed")
      }
    }
  }

  private mutating func unquotedField(_ fields: inout [Field]) -> FieldEnd {
    let fieldStart = position
    while position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: ","):
        fields.append(Field(range: fieldStart..<position, hasDoubledQuotes: false))
        position += 1
        return .comma
      case 0x0A, 0x0D:
        fields.append(Field(range: fieldStart..<position, hasDoubledQuotes: false))
        return lineEnd(fieldNumber: fields.count)
      case UInt8(ascii: "\""):
        return .malformed("field \(fields.count + 1) has a stray '\"' outside quotes")
      default:
        position += 1
      }
    }
    fields.append(Field(range: fieldStart..<position, hasDoubledQuotes: false))
    return .recordEnd(textEnd: position)
  }

  private mutating func quotedField(_ fields: inout [Field]) -> FieldEnd {
    position += 1
    let contentStart = position
    var doubled = false
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
          doubled = true
          position += 2
          continue
        }
        fields.append(Field(range: contentStart..<position, hasDoubledQuotes: doubled))
        position += 1
        return afterClosingQuote(fieldNumber: fields.count)
      }
      if byte == 0x0A { line += 1 }
      position += 1
    }
    return .unterminated
  }

  private mutating func afterClosingQuote(fieldNumber: Int) -> FieldEnd {
    guard position < bytes.count else { return .recordEnd(textEnd: position) }
    switch bytes[position] {
    case UInt8(ascii: ","):
      position += 1
      return .comma
    case 0x0A, 0x0D:
      return lineEnd(fieldNumber: fieldNumber)
    default:
      return .malformed("field \(fieldNumber) has text after its closing quote")
    }
  }

  /// Consumes LF or CRLF at `position`; a CR without LF is malformed.
  private mutating func lineEnd(fieldNumber: Int) -> FieldEnd {
    let textEnd = position
    if bytes[position] == 0x0D {
      guard position + 1 < bytes.count, bytes[position + 1] == 0x0A else {
        return .malformed("field \(fieldNumber) has a carriage return not followed by a line feed")
      }
      position += 1
    }
    position += 1
    line += 1
    return .recordEnd(textEnd: textEnd)
  }

  /// Moves past the next LF; returns where the line's text ends (before CRLF or LF).
  private mutating func skipRestOfLine() -> Int {
    while position < bytes.count, bytes[position] != 0x0A { position += 1 }
    var textEnd = position
    if position < bytes.count {
      position += 1
      line += 1
      if textEnd > 0, bytes[textEnd - 1] == 0x0D { textEnd -= 1 }
    }
    return textEnd
  }
}
