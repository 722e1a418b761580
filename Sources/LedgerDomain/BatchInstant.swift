/// A UTC instant, to the second, as used in input batch file names (`YYYYMMDDTHHMMSSZ`).
public struct BatchInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since 1970-01-01T00:00:00Z.
  public let secondsSinceEpoch: Int64

  /// The instant `secondsSinceEpoch` seconds after the Unix epoch.
  public init(secondsSinceEpoch: Int64) {
    self.secondsSinceEpoch = secondsSinceEpoch
  }

  /// Parses ISO 8601 basic form `YYYYMMDDTHHMMSSZ` (uppercase `T` and `Z`, exactly 16 bytes),
  /// with full calendar validation: month 01–12, a day that exists in that month (leap years
  /// included), hour 00–23, minute and second 00–59 (no leap second). `nil` otherwise.
  public init?(basic: String) {
    let bytes = Array(basic.utf8)
    guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
      let year = Self.number(bytes, 0, 4), let month = Self.number(bytes, 4, 2),
      let day = Self.number(bytes, 6, 2), let hour = Self.number(bytes, 9, 2),
      let minute = Self.number(bytes, 11, 2), let second = Self.number(bytes, 13, 2),
      CivilCalendar.isValidDate(year: year, month: month, day: day),
      hour <= 23, minute <= 59, second <= 59
    else { return nil }
    let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
    self.init(secondsSinceEpoch: days * 86_400 + hour * 3600 + minute * 60 + second)
  }

  /// ISO 8601 basic form, e.g. `20261127T100000Z`. Years outside 0000–9999 are written with
  /// as many digits as they need (and a `-` before years before 0000).
  public var basic: String {
    let p = parts
    return CivilCalendar.padded(p.year, width: 4) + two(p.month) + two(p.day) + "T" + two(p.hour)
      + two(p.minute) + two(p.second) + "Z"
  }

  /// RFC 3339 form, e.g. `2026-11-27T10:00:00Z` (the default `ts` of CSV lines).
  public var rfc3339: String {
    let p = parts
    return CivilCalendar.padded(p.year, width: 4) + "-" + two(p.month) + "-" + two(p.day) + "T"
      + two(p.hour) + ":" + two(p.minute) + ":" + two(p.second) + "Z"
  }

  /// The basic form.
  public var description: String { basic }

  /// Earlier instants sort first.
  public static func < (lhs: BatchInstant, rhs: BatchInstant) -> Bool {
    lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
  }

  private var parts: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
    let (days, rest) = floorDivision(secondsSinceEpoch, 86_400)
    let date = CivilCalendar.civilFromDays(days)
    return (date.year, date.month, date.day, rest / 3600, rest % 3600 / 60, rest % 60)
  }

  private func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
    let quotient = value / divisor
    let remainder = value % divisor
    return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
  }

  private func two(_ value: Int64) -> String { CivilCalendar.padded(value, width: 2) }

  private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int64? {
    var value: Int64 = 0
    for byte in bytes[start..<start + count] {
      guard let digit = CivilCalendar.digit(byte) else { return nil }
      value = value * 10 + digit
    }
    return value
  }
}
