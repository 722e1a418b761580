/// RFC 3339 `date-time` validation for event `ts` fields (SPEC §2).
public enum Timestamp {
  /// Whether `bytes` is an RFC 3339 date-time: `YYYY-MM-DD`, `T` or `t`, `HH:MM:SS`, an optional
  /// fraction (`.` and at least one digit), then `Z`, `z` or `±HH:MM`; nothing else around it.
  /// Calendar rules are checked in full (month 01–12, the month's real length with leap years,
  /// hour 00–23, minute 00–59, second 00–60 for a leap second, offset 00:00–23:59).
  public static func isValidRFC3339(_ bytes: some Collection<UInt8>) -> Bool {
    var reader = Reader(iterator: bytes.makeIterator())
    return reader.readDateTime()
  }

  private struct Reader<Source: IteratorProtocol<UInt8>> {
    var iterator: Source

    mutating func readDateTime() -> Bool {
      guard let year = number(4), literal("-"), let month = number(2), literal("-"),
        let day = number(2), CivilCalendar.isValidDate(year: year, month: month, day: day),
        let separator = iterator.next(), separator | 0x20 == UInt8(ascii: "t"),
        let hour = number(2), hour <= 23, literal(":"), let minute = number(2), minute <= 59,
        literal(":"), let second = number(2), second <= 60
      else { return false }
      guard var next = iterator.next() else { return false }
      if next == UInt8(ascii: ".") {
        guard let afterFraction = skipFraction() else { return false }
        next = afterFraction
      }
      return readOffset(startingWith: next) && iterator.next() == nil
    }

    /// Consumes the fraction's digits (at least one) and returns the byte after them.
    private mutating func skipFraction() -> UInt8? {
      var digits = 0
      while let byte = iterator.next() {
        guard CivilCalendar.digit(byte) != nil else { return digits > 0 ? byte : nil }
        digits += 1
      }
      return nil
    }

    private mutating func readOffset(startingWith byte: UInt8) -> Bool {
      if byte | 0x20 == UInt8(ascii: "z") { return true }
      guard byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { return false }
      guard let hour = number(2), hour <= 23, literal(":"), let minute = number(2), minute <= 59
      else { return false }
      return true
    }

    private mutating func literal(_ expected: Unicode.Scalar) -> Bool {
      iterator.next() == UInt8(ascii: expected)
    }

    private mutating func number(_ count: Int) -> Int64? {
      var value: Int64 = 0
      for _ in 0..<count {
        guard let byte = iterator.next(), let digit = CivilCalendar.digit(byte) else { return nil }
        value = value * 10 + digit
      }
      return value
    }
  }
}
