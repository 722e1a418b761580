/// Exact decimal text ↔ integer minor units, for computing expected balances in tests.
struct MinorUnits: Sendable, Equatable {
  var value: Int64
  var digits: Int

  /// Parses `-?[0-9]+(\.[0-9]+)?`; nil otherwise.
  init?(_ text: String) {
    var body = Substring(text)
    let negative = body.first == "-"
    if negative { body = body.dropFirst() }
    let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(pieces.count), let whole = Int64(pieces[0]), !pieces[0].hasPrefix("+") else { return nil }
    let fraction = pieces.count == 2 ? pieces[1] : ""
    guard fraction.allSatisfy(\.isASCII), fraction.isEmpty || Int64(fraction) != nil else { return nil }
    var scaled = whole
    for _ in 0..<fraction.count { scaled *= 10 }
    scaled += Int64(fraction) ?? 0
    value = negative ? -scaled : scaled
    digits = fraction.count
  }

  init(value: Int64, digits: Int) {
    self.value = value
    self.digits = digits
  }

  /// The text with exactly `digits` fraction digits (`-12.50`, `100`).
  var text: String {
    let magnitude = String(value.magnitude)
    let padded = String(repeating: "0", count: max(0, digits + 1 - magnitude.count)) + magnitude
    let sign = value < 0 ? "-" : ""
    guard digits > 0 else { return sign + padded }
    return sign + padded.dropLast(digits) + "." + padded.suffix(digits)
  }
}
