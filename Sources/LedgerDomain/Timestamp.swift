/// RFC 3339 `date-time` validation for event `ts` fields (SPEC §2).
public enum Timestamp {
  /// Whether `bytes` is an RFC 3339 date-time: `YYYY-MM-DD`, `T` or `t`, `HH:MM:SS`, an optional
  /// fraction (`.` and at least one digit), then `Z`, `z` or `±HH:MM`; nothing else around it.
  /// Calendar rules are checked in full (month 01–12, the month's real length with leap years,
  /// hour 00–23, minute 00–59, second 00–59, offset 00:00–23:59). Second 60 is a leap second,
  /// which UTC inserts only as the last second of a month (RFC 3339 §5.7): it is accepted only
  /// at 23:59:60 UTC on a month's last day, whatever the offset it is written with.
  public static func isValidRFC3339(_ bytes: some Collection<UInt8>) -> Bool {
    var reader = Reader(iterator: bytes.makeIterator())
    return reader.readDateTime()
  }

  /// The same answer for bytes in memory (what the decoders hold): the usual shape, UTC
  /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a second below 60, is read by position in one pass;
  /// anything else takes the reader above.
  public static func isValidRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if let answer = plainUTC(bytes) { return answer }
    var reader = Reader(iterator: bytes.makeIterator())
    return reader.readDateTime()
  }

  /// The answer for `YYYY-MM-DDTHH:MM:SS[.digits]Z` (upper-case `T` and `Z`, second 00–59),
  /// or nil when `bytes` has any other shape.
  static func plainUTC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
    let count = bytes.count
    guard count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      bytes[count - 1] == UInt8(ascii: "Z")
    else { return nil }
    var notDigits: UInt8 = 0
    func number(_ start: Int, _ digits: Int) -> Int64 {
      var value: Int64 = 0
      for index in start..<(start + digits) {
        let digit = bytes[index] &- 48
        notDigits |= digit >= 10 ? 1 : 0
        value = value &* 10 &+ Int64(digit)
      }
      return value
    }
    let year = number(0, 4)
    let month = number(5, 2)
    let day = number(8, 2)
    let hour = number(11, 2)
    let minute = number(14, 2)
    let second = number(17, 2)
    if count > 20 {
      // A fraction: `.` and at least one digit before the `Z`.
      guard count > 21, bytes[19] == UInt8(ascii: ".") else { return nil }
      _ = number(20, count - 21)
    }
    guard notDigits == 0, second <= 59 else { return nil }
    return month >= 1 && month <= 12 && CivilCalendar.isValidDate(year: year, month: month, day: day)
      && hour <= 23 && minute <= 59
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
      guard let offset = readOffset(startingWith: next), iterator.next() == nil else { return false }
      guard second == 60 else { return true }
      // The UTC instant of the minute: it must be 23:59 on the last day of a month.
      let utcMinutes = hour * 60 + minute - offset
      let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day) + utcMinutes.floorDivided(by: 1440)
      let utc = CivilCalendar.civilFromDays(days)
      return (utcMinutes % 1440 + 1440) % 1440 == 23 * 60 + 59
        && utc.day == CivilCalendar.daysInMonth(utc.month, year: utc.year)
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

    /// The offset in minutes east of UTC, or nil when it is not `Z`, `z` or `±HH:MM`.
    private mutating func readOffset(startingWith byte: UInt8) -> Int64? {
      if byte | 0x20 == UInt8(ascii: "z") { return 0 }
      guard byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { return nil }
      guard let hour = number(2), hour <= 23, literal(":"), let minute = number(2), minute <= 59
      else { return nil }
      return (byte == UInt8(ascii: "-") ? -1 : 1) * (hour * 60 + minute)
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

extension Int64 {
  /// Division rounded towards minus infinity.
  fileprivate func floorDivided(by divisor: Int64) -> Int64 {
    let q = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
  }
}
