import LedgerDomain

/// Templates of bad input lines, each tagged with the ``RejectReason/rule`` it breaks — and only
/// that rule — so a generated workload exercises every rejection of SPEC §2 and a test can check
/// that ingest rejects each line for the stated reason.
///
/// A template is text with placeholders filled per line: `{id}` (a fresh event id), `{order}`
/// (an order id), `{ts}` (an RFC 3339 instant). Two placeholders make bytes no string literal
/// can: `{latin1}` (a lone 0xE9 byte, Latin-1 "é": not UTF-8) and `{pad}` (66,000 `x`, pushing
/// the line past the 65,536-byte limit).
public enum BadLineCatalog {
  /// One kind of bad line.
  public struct Template: Sendable, Equatable {
    /// The rule it breaks, e.g. `too-many-amount-digits`.
    public let rule: String
    /// What is wrong, for people: `"1.000" in USD`.
    public let label: String
    private let pieces: [Piece]

    enum Piece: Sendable, Equatable {
      case text([UInt8])
      case id, order, ts
    }

    /// A template for `rule` from `pattern` (see ``BadLineCatalog`` for placeholders).
    init(_ rule: String, _ label: String, _ pattern: String) {
      self.rule = rule
      self.label = label
      pieces = Self.parse(pattern)
    }

    /// The line's bytes, without the line feed.
    public func render(id: String, orderID: String, ts: String) -> [UInt8] {
      var bytes: [UInt8] = []
      for piece in pieces {
        switch piece {
        case .text(let text): bytes += text
        case .id: bytes += id.utf8
        case .order: bytes += orderID.utf8
        case .ts: bytes += ts.utf8
        }
      }
      return bytes
    }

    private static func parse(_ pattern: String) -> [Piece] {
      let bytes = Array(pattern.utf8)
      var pieces: [Piece] = []
      var text: [UInt8] = []
      var index = 0
      while index < bytes.count {
        if bytes[index] == UInt8(ascii: "{"),
          let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")),
          let piece = placeholder(String(decoding: bytes[(index + 1)..<close], as: UTF8.self))
        {
          if case .text(let literal) = piece {
            text += literal
          } else {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = []
            pieces.append(piece)
          }
          index = close + 1
        } else {
          text.append(bytes[index])
          index += 1
        }
      }
      if !text.isEmpty { pieces.append(.text(text)) }
      return pieces
    }

    private static func placeholder(_ name: String) -> Piece? {
      switch name {
      case "id": .id
      case "order": .order
      case "ts": .ts
      case "latin1": .text([0xE9])
      case "pad": .text([UInt8](repeating: UInt8(ascii: "x"), count: 66_000))
      default: nil
      }
    }
  }

  /// Bad JSON Lines, covering every line rule of SPEC §2.
  public static let jsonLines: [Template] = syntaxTemplates + fieldTemplates + valueTemplates

  /// Bad CSV rows for a file whose header is ``csvHeader``: the rules a CSV row can break.
  public static let csvRows: [Template] = [
    Template("invalid-utf8", "Latin-1 byte in the memo", "{id},{order},charge,10.00,USD,{ts},,caf{latin1},,"),
    Template("line-too-long", "66,000-byte memo", "{id},{order},charge,10.00,USD,{ts},,{pad},,"),
    Template("missing-field", "empty order_id cell", "{id},,charge,10.00,USD,{ts},,,,"),
    Template(
      "missing-field", "correction without author", "{id},{order},correction,-1.00,USD,{ts},,,rounding difference,"),
    Template("field-too-long", "id longer than 128 bytes", "{id}-\(longSuffix),{order},charge,10.00,USD,{ts},,,,"),
    Template("unknown-kind", "kind \"invoice\"", "{id},{order},invoice,10.00,USD,{ts},,,,"),
    Template("malformed-amount", "decimal comma", "{id},{order},charge,\"12,50\",EUR,{ts},,,,"),
    Template("malformed-amount", "exponent", "{id},{order},charge,1e3,USD,{ts},,,,"),
    Template("too-many-amount-digits", "\"1.000\" in USD", "{id},{order},charge,1.000,USD,{ts},,,,"),
    Template("amount-out-of-range", "beyond 64-bit cents", "{id},{order},charge,92233720368547758.08,USD,{ts},,,,"),
    Template("unknown-currency", "lowercase \"usd\"", "{id},{order},charge,10.00,usd,{ts},,,,"),
    Template("invalid-timestamp", "month 13", "{id},{order},charge,10.00,USD,2026-13-01T00:00:00Z,,,,"),
    Template("csv-field-count", "5 fields for a 10-column header", "{id},{order},charge,10.00,USD"),
  ]

  /// The header row of generated CSV batches.
  public static let csvHeader = "id,order_id,kind,amount,currency,ts,entity,memo,reason,author"

  /// The distinct rules ``jsonLines`` covers, sorted.
  public static var jsonRules: [String] { Array(Set(jsonLines.map(\.rule))).sorted() }

  private static let longSuffix = String(repeating: "x", count: 130)
  private static let head = #"{"id":"{id}","order_id":"{order}""#
  private static let good = head + #","kind":"charge","amount":"10.00","currency":"USD","ts":"{ts}""#

  private static let syntaxTemplates: [Template] = [
    Template("invalid-utf8", "Latin-1 byte in the memo", good + #","memo":"caf{latin1}"}"#),
    Template("line-too-long", "66,000-byte memo", good + #","memo":"{pad}"}"#),
    Template("not-json", "trailing comma", good + ",}"),
    Template("not-json", "unquoted key", head + #",kind:"charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template("not-json", "truncated line (torn write)", head + #","kind":"charge","amo"#),
    Template("not-json", "NaN amount", head + #","kind":"charge","amount":NaN,"currency":"USD","ts":"{ts}"}"#),
    Template("not-json", "text after the object", good + "} trailing"),
    Template("not-json", "raw tab inside a string", good + ",\"memo\":\"tab\there\"}"),
    Template(
      "not-json", "comment", head + #",/* retry */"kind":"charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template("not-an-object", "JSON array", #"["{id}","{order}","charge","10.00","USD","{ts}"]"#),
    Template("not-an-object", "JSON string", #""{id}""#),
    Template("duplicate-key", "amount given twice", good + #","amount":"-10.00"}"#),
    Template("duplicate-key", "id given twice", good + #","id":"{id}-again"}"#),
  ]

  private static let fieldTemplates: [Template] = [
    Template("missing-field", "no currency", head + #","kind":"charge","amount":"10.00","ts":"{ts}"}"#),
    Template("missing-field", "no ts", head + #","kind":"charge","amount":"10.00","currency":"USD"}"#),
    Template(
      "missing-field", "no order_id", #"{"id":"{id}","kind":"charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template(
      "missing-field", "correction without author",
      head + #","kind":"correction","amount":"-1.00","currency":"USD","ts":"{ts}","reason":"rounding difference"}"#),
    Template(
      "wrong-type", "amount is a boolean", head + #","kind":"charge","amount":true,"currency":"USD","ts":"{ts}"}"#),
    Template(
      "wrong-type", "order_id is a number",
      #"{"id":"{id}","order_id":1042,"kind":"charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template(
      "empty-field", "empty id",
      #"{"id":"","order_id":"{order}","kind":"charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template(
      "empty-field", "correction with empty author",
      head
        + #","kind":"correction","amount":"-1.00","currency":"USD","ts":"{ts}","reason":"rounding difference","author":""}"#
    ),
    Template(
      "field-too-long", "id longer than 128 bytes",
      #"{"id":"{id}-"# + longSuffix
        + #"","order_id":"{order}","kind":"charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template(
      "unknown-kind", "kind \"invoice\"", head + #","kind":"invoice","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
    Template(
      "unknown-kind", "kind \"Charge\" (wrong case)",
      head + #","kind":"Charge","amount":"10.00","currency":"USD","ts":"{ts}"}"#),
  ]

  private static let valueTemplates: [Template] = [
    amount("malformed-amount", "exponent in a string", #""1e3""#, "USD"),
    amount("malformed-amount", "exponent in a number", "1.5E2", "USD"),
    amount("malformed-amount", "decimal comma", #""12,50""#, "EUR"),
    amount("malformed-amount", "currency symbol", #""$12.50""#, "USD"),
    amount("malformed-amount", "leading plus", #""+5.00""#, "USD"),
    amount("malformed-amount", "no integer digits", #"".50""#, "GBP"),
    amount("too-many-amount-digits", "\"1.000\" in USD", #""1.000""#, "USD"),
    amount("too-many-amount-digits", "\"1500.5\" in JPY", #""1500.5""#, "JPY"),
    amount("too-many-amount-digits", "2.1250 in BHD", "2.1250", "BHD"),
    amount("amount-out-of-range", "one cent past Int64.max", #""92233720368547758.08""#, "USD"),
    amount("amount-out-of-range", "one cent below Int64.min", #""-92233720368547758.09""#, "USD"),
    amount("amount-out-of-range", "20-digit yen number", "99999999999999999999", "JPY"),
    amount("unknown-currency", "lowercase \"usd\"", #""10.00""#, "usd"),
    amount("unknown-currency", "gold \"XAU\"", #""10.00""#, "XAU"),
    amount("unknown-currency", "\"EURO\"", #""10.00""#, "EURO"),
    timestamp("month 13", "2026-13-01T00:00:00Z"),
    timestamp("hour 25", "2026-11-27T25:00:00Z"),
    timestamp("no UTC offset", "2026-11-27T10:03:12"),
    timestamp("space separator, no offset", "2026-11-27 10:03:12"),
    timestamp("day/month/year", "27/11/2026 10:03"),
  ]

  private static func amount(_ rule: String, _ label: String, _ json: String, _ code: String)
    -> Template
  {
    Template(rule, label, head + #","kind":"charge","amount":"# + json + #","currency":""# + code + #"","ts":"{ts}"}"#)
  }

  private static func timestamp(_ label: String, _ ts: String) -> Template {
    Template(
      "invalid-timestamp", label, head + #","kind":"charge","amount":"10.00","currency":"USD","ts":""# + ts + #""}"#)
  }
}
