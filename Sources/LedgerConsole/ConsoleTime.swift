import LedgerDomain

/// Formats wall-clock seconds and durations for display, in UTC, without Foundation (calendar
/// arithmetic is the domain's `BatchInstant`).
public enum ConsoleTime {
  /// `2026-11-27T10:45:03Z`.
  public static func iso(_ seconds: Int64) -> String {
    BatchInstant(secondsSinceEpoch: seconds).rfc3339
  }

  /// `10:45:03Z`.
  public static func time(_ seconds: Int64) -> String {
    clock(floorDivide(seconds, 86_400).1) + "Z"
  }

  /// `340ms`, `1.25s`, `2m05s`.
  public static func duration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    if millis < 1000 { return "\(millis)ms" }
    if millis < 60_000 {
      let hundredths = (millis % 1000) / 10
      return "\(millis / 1000).\(pad(hundredths, 2))s"
    }
    return "\(millis / 60_000)m\(pad((millis / 1000) % 60, 2))s"
  }

  private static func clock(_ secondOfDay: Int64) -> String {
    "\(pad(secondOfDay / 3600, 2)):\(pad((secondOfDay / 60) % 60, 2)):\(pad(secondOfDay % 60, 2))"
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
    let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    return (quotient, value - quotient * divisor)
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }
}
