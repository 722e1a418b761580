import LedgerDomain

/// Encoding events as JSON Lines or CSV rows, byte by byte: no Foundation JSON, no string
/// interpolation per field. Sources with an odd index write their fields in another order,
/// as a second producer would.
extension WorkloadGenerator {
  /// Appends `event` as one JSON object and a line feed.
  func appendJSON(_ event: GeneratedEvent, to out: inout [UInt8]) {
    if event.source % 2 == 0 {
      out += #"{"id":""#.utf8
      appendID(event.source, event.sequence, to: &out)
      out += #"","order_id":""#.utf8
      appendOrderID(event.order, to: &out)
      out += #"","kind":""#.utf8
      out += vocabulary.kindNames[event.kind.workloadIndex]
      appendJSONAmountAndCurrency(event, to: &out)
      out += #","ts":""#.utf8
      Instant.appendRFC3339(event.tsMillis, to: &out)
      out.append(UInt8(ascii: "\""))
    } else {
      out += #"{"order_id":""#.utf8
      appendOrderID(event.order, to: &out)
      out += #"","id":""#.utf8
      appendID(event.source, event.sequence, to: &out)
      out += #"","ts":""#.utf8
      Instant.appendRFC3339(event.tsMillis, to: &out)
      out += #"","kind":""#.utf8
      out += vocabulary.kindNames[event.kind.workloadIndex]
      appendJSONAmountAndCurrency(event, to: &out)
    }
    appendJSONOptionalFields(event, to: &out)
    out += "}\n".utf8
  }

  /// Appends `event` as one CSV row (columns of ``BadLineCatalog/csvHeader``) and a line feed.
  func appendCSV(_ event: GeneratedEvent, to out: inout [UInt8]) {
    let comma = UInt8(ascii: ",")
    let currency = vocabulary.currencies[event.currency]
    appendID(event.source, event.sequence, to: &out)
    out.append(comma)
    appendOrderID(event.order, to: &out)
    out.append(comma)
    out += vocabulary.kindNames[event.kind.workloadIndex]
    out.append(comma)
    Self.appendAmount(event.amount, digits: currency.minorUnits, trimmed: false, to: &out)
    out.append(comma)
    out += currency.code
    out.append(comma)
    Instant.appendRFC3339(event.tsMillis, to: &out)
    out.append(comma)
    if event.hasEntity { out += currency.entity }
    out.append(comma)
    if event.memo >= 0 { out += vocabulary.memos[event.memo].csv }
    out.append(comma)
    if event.reason >= 0 { out += vocabulary.reasons[event.reason].csv }
    out.append(comma)
    if event.author >= 0 { out += vocabulary.authors[event.author].csv }
    out.append(10)
  }

  /// `<source>-<10-digit sequence>`.
  func appendID(_ source: Int, _ sequence: Int64, to out: inout [UInt8]) {
    out += vocabulary.idPrefixes[source]
    Self.appendPadded(sequence, width: 10, to: &out)
  }

  /// `ord-<zero-padded number>`, or the bulk order's id for `-1`.
  func appendOrderID(_ order: Int, to out: inout [UInt8]) {
    guard order >= 0 else {
      out += vocabulary.bulkOrderID
      return
    }
    out += "ord-".utf8
    Self.appendPadded(Int64(order + 1), width: vocabulary.orderIDWidth, to: &out)
  }

  private func appendJSONAmountAndCurrency(_ event: GeneratedEvent, to out: inout [UInt8]) {
    let currency = vocabulary.currencies[event.currency]
    out += #"","amount":"#.utf8
    if event.amountAsNumber {
      Self.appendAmount(event.amount, digits: currency.minorUnits, trimmed: true, to: &out)
    } else {
      out.append(UInt8(ascii: "\""))
      Self.appendAmount(event.amount, digits: currency.minorUnits, trimmed: false, to: &out)
      out.append(UInt8(ascii: "\""))
    }
    out += #","currency":""#.utf8
    out += currency.code
    out.append(UInt8(ascii: "\""))
  }

  private func appendJSONOptionalFields(_ event: GeneratedEvent, to out: inout [UInt8]) {
    if event.hasEntity {
      out += #","entity":""#.utf8
      out += vocabulary.currencies[event.currency].entity
      out.append(UInt8(ascii: "\""))
    }
    if event.memo >= 0 {
      out += #","memo":"#.utf8
      out += vocabulary.memos[event.memo].json
    }
    if event.reason >= 0 {
      out += #","reason":"#.utf8
      out += vocabulary.reasons[event.reason].json
    }
    if event.author >= 0 {
      out += #","author":"#.utf8
      out += vocabulary.authors[event.author].json
    }
  }

  /// Exact decimal text of `minor` minor units with `digits` fraction digits (`-1250, 2` →
  /// `-12.50`). `trimmed` drops trailing fraction zeros (`12.5`, `12`), as a producer writing
  /// JSON numbers would.
  static func appendAmount(_ minor: Int64, digits: Int, trimmed: Bool, to out: inout [UInt8]) {
    if minor < 0 { out.append(UInt8(ascii: "-")) }
    var scale: UInt64 = 1
    for _ in 0..<digits { scale *= 10 }
    let magnitude = minor.magnitude
    appendDecimal(magnitude / scale, to: &out)
    var fraction = magnitude % scale
    var width = digits
    if trimmed {
      while width > 0 && fraction % 10 == 0 {
        fraction /= 10
        width -= 1
      }
    }
    guard width > 0 else { return }
    out.append(UInt8(ascii: "."))
    appendPadded(Int64(fraction), width: width, to: &out)
  }

  /// `value` in decimal, left-padded with zeros to at least `width` digits (`value` ≥ 0).
  static func appendPadded(_ value: Int64, width: Int, to out: inout [UInt8]) {
    var digits = 1
    var limit: Int64 = 10
    while digits < 19 && value >= limit {
      digits += 1
      limit *= 10
    }
    let count = max(width, digits)
    let start = out.count
    out += repeatElement(UInt8(ascii: "0"), count: count)
    var rest = value
    var index = start + count - 1
    while rest > 0 {
      out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
      rest /= 10
      index -= 1
    }
  }

  private static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
    appendPadded(Int64(value), width: 1, to: &out)
  }
}
