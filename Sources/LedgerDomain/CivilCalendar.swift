/// Proleptic Gregorian calendar arithmetic shared by ``BatchInstant`` and ``Timestamp``.
///
/// `daysFromCivil` / `civilFromDays` are Howard Hinnant's era-based algorithms: exact for every
/// `Int64` day count the callers produce, no Foundation, no floating point.
enum CivilCalendar {
  /// Whether `year` has a 29 February.
  static func isLeapYear(_ year: Int64) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  /// Days in `month` (1...12) of `year`; 0 for a month outside 1...12.
  static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
    switch month {
    case 1, 3, 5, 7, 8, 10, 12: 31
    case 4, 6, 9, 11: 30
    case 2: isLeapYear(year) ? 29 : 28
    default: 0
    }
  }

  /// Whether `year-month-day` names a real calendar day.
  static func isValidDate(year: Int64, month: Int64, day: Int64) -> Bool {
    day >= 1 && day <= daysInMonth(month, year: year)
  }

  /// Days since 1970-01-01 of a valid civil date.
  static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let shiftedMonth = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The civil date `days` after 1970-01-01.
  static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// The decimal value of the ASCII digit `byte`, or `nil`.
  @inline(__always)
  static func digit(_ byte: UInt8) -> Int64? {
    byte &- 48 < 10 ? Int64(byte &- 48) : nil
  }

  /// `value` as decimal text left-padded with zeros to `width` digits (sign kept in front).
  static func padded(_ value: Int64, width: Int) -> String {
    let digits = String(value.magnitude)
    let padding = String(repeating: "0", count: max(0, width - digits.count))
    return (value < 0 ? "-" : "") + padding + digits
  }
}
