import LedgerDomain
import LedgerStorage
import LedgerSystem

/// An artifact as `lookup --json` and `export --json` print it. The field names are the
/// contract of SPEC §3 and §6; amounts and balances are decimal strings, counts are numbers.
struct ArtifactJSON: Encodable {
  var orderID: String
  var status: String
  /// Currency code → decimal string, for each of the next three.
  var balance: [String: String]
  var debits: [String: String]
  var credits: [String: String]
  var lineCount: Int
  var version: UInt64
  var location: Location
  /// Every line, or nil (the field left out) when lines were not asked for.
  var lines: [Line]?

  enum CodingKeys: String, CodingKey {
    case orderID = "order_id", lineCount = "line_count"
    case status, balance, debits, credits, version, location, lines
  }

  /// `view` as printed; `lines` only when `withLines`.
  init(_ view: ArtifactView, withLines: Bool) throws(JSONValueError) {
    let s = view.summary
    func money(_ pick: (CurrencyTotals) -> Int64) -> [String: String] {
      Dictionary(
        uniqueKeysWithValues: s.currencies.map { c in (c.code, c.format(pick(s.totals[c] ?? CurrencyTotals()))) })
    }
    orderID = s.orderID
    status = s.status.rawValue
    balance = money { $0.balance }
    debits = money { $0.debits }
    credits = money { $0.credits }
    lineCount = s.lineCount
    version = view.entry.version
    location = Location(view.entry.location)
    if withLines {
      var lines: [Line] = []
      lines.reserveCapacity(view.lines.count)
      for event in view.lines { lines.append(try Line(event)) }
      self.lines = lines
    }
  }

  /// Where the artifact is stored: part file (relative to the data directory), offset, length.
  struct Location: Encodable {
    var file: String
    var offset: Int64
    var length: Int32

    init(_ l: ArtifactLocation) {
      file = "parts/\(l.part)"
      offset = l.offset
      length = l.length
    }
  }

  /// One accepted event with its fields and where it came from; optional fields and `extra`
  /// are left out when absent, as on input.
  struct Line: Encodable {
    var id: String
    var orderID: String
    var kind: String
    var amount: String
    var currency: String
    var ts: String
    var entity: String?
    var memo: String?
    var reason: String?
    var author: String?
    /// Unknown input fields by name (nil when there are none).
    var extra: [String: ExtraValue]?
    var origin: Origin

    enum CodingKeys: String, CodingKey {
      case orderID = "order_id"
      case id, kind, amount, currency, ts, entity, memo, reason, author, extra, origin
    }

    init(_ e: Event) throws(JSONValueError) {
      id = e.id
      orderID = e.orderID
      kind = e.kind.rawValue
      amount = e.currency.format(e.amount)
      currency = e.currency.code
      ts = e.ts
      entity = e.entity
      memo = e.memo
      reason = e.reason
      author = e.author
      if !e.extras.isEmpty {
        var extra: [String: ExtraValue] = [:]
        for field in e.extras { extra[field.name] = ExtraValue(try field.value()) }
        self.extra = extra
      }
      origin = Origin(source: e.origin.source, file: e.origin.file, line: e.origin.line)
    }
  }

  /// Where a line came from: source, batch file name, 1-based line number.
  struct Origin: Encodable {
    var source: String
    var file: String
    var line: Int
  }

  /// An unknown input field's value, written as the JSON value it was on input.
  ///
  /// The event keeps an extra as raw JSON text (``ExtraField/rawJSON``), and `JSONEncoder`
  /// cannot splice raw text into its output. So the text is parsed back into a ``JSONValue``
  /// tree by the domain's strict scanner (the one that accepted the line) and written node by
  /// node: strings, booleans, null, arrays and objects exactly (whitespace and escapes as the
  /// writer spells them, keys sorted), numbers by ``JSONNumber``, which keeps their value exact
  /// and writes a number no `Decimal` or `Double` holds exactly as a string of its text.
  /// Writing values instead of splicing text also means the output is valid JSON even if a
  /// stored extra were not: such a line fails to print, with the reason, instead of printing
  /// broken JSON.
  struct ExtraValue: Encodable {
    var value: JSONValue

    init(_ value: JSONValue) {
      self.value = value
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch value {
      case .string(let text): try container.encode(text)
      case .number(let text): try container.encode(JSONNumber(text: text))
      case .bool(let flag): try container.encode(flag)
      case .null: try container.encodeNil()
      case .array(let elements): try container.encode(elements.map(ExtraValue.init))
      case .object(let members): try container.encode(members.mapValues(ExtraValue.init))
      }
    }
  }
}
