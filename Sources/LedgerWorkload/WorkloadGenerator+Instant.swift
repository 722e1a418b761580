import LedgerDomain

extension WorkloadGenerator {
  /// UTC instants as text, computed with the days-from-civil algorithm (Howard Hinnant's
  /// `civil_from_days`): no DateFormatter, no time zone database.
  enum Instant {
    /// ISO 8601 basic form of a batch file name: `20261127T100000Z`.
    static func basic(_ seconds: Int64) -> String {
      let (date, time) = split(seconds)
      var out: [UInt8] = []
      appendPadded(date.year, width: 4, to: &out)
      appendPadded(date.month, width: 2, to: &out)
      appendPadded(date.day, width: 2, to: &out)
      out.append(UInt8(ascii: "T"))
      appendPadded(time / 3600, width: 2, to: &out)
      appendPadded(time / 60 % 60, width: 2, to: &out)
      appendPadded(time % 60, width: 2, to: &out)
      out.append(UInt8(ascii: "Z"))
      return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3339 with milliseconds in UTC: `2026-11-27T10:03:12.120Z`.
    static func appendRFC3339(_ millis: Int64, to out: inout [UInt8]) {
      let seconds = floorDivide(millis, 1000)
      let (date, time) = split(seconds)
      appendPadded(date.year, width: 4, to: &out)
      out.append(UInt8(ascii: "-"))
      appendPadded(date.month, width: 2, to: &out)
      out.append(UInt8(ascii: "-"))
      appendPadded(date.day, width: 2, to: &out)
      out.append(UInt8(ascii: "T"))
      appendPadded(time / 3600, width: 2, to: &out)
      out.append(UInt8(ascii: ":"))
      appendPadded(time / 60 % 60, width: 2, to: &out)
      out.append(UInt8(ascii: ":"))
      appendPadded(time % 60, width: 2, to: &out)
      out.append(UInt8(ascii: "."))
      appendPadded(millis - seconds * 1000, width: 3, to: &out)
      out.append(UInt8(ascii: "Z"))
    }

    /// The RFC 3339 text of `millis` (for bad-line templates).
    static func rfc3339(_ millis: Int64) -> String {
      var out: [UInt8] = []
      appendRFC3339(millis, to: &out)
      return String(decoding: out, as: UTF8.self)
    }

    /// Year, month (1–12) and day (1–31) of day `days` since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
      let z = days + 719_468
      let era = floorDivide(z, 146_097)
      let dayOfEra = z - era * 146_097
      let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
      let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
      let shiftedMonth = (5 * dayOfYear + 2) / 153
      let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
      let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
      let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
      return (year, month, day)
    }

    private static func split(_ seconds: Int64) -> (
      date: (year: Int64, month: Int64, day: Int64), time: Int64
    ) {
      let days = floorDivide(seconds, 86_400)
      return (civil(fromDays: days), seconds - days * 86_400)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
      value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    private static func appendPadded(_ value: Int64, width: Int, to out: inout [UInt8]) {
      WorkloadGenerator.appendPadded(value, width: width, to: &out)
    }
  }
}
