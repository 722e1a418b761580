import LedgerDomain

extension WorkloadGenerator {
  /// A text in both encodings, escaped once up front.
  struct Text: Sendable {
    /// The text as a JSON string literal, quotes included.
    let json: [UInt8]
    let csv: [UInt8]

    init(_ text: String) {
      json = Array(JSONStringLiteral.quoted(text).utf8)
      csv = Self.csvCell(text)
    }

    static func csvCell(_ text: String) -> [UInt8] {
      let bytes = Array(text.utf8)
      let special: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "\""), 10, 13]
      guard bytes.contains(where: special.contains) else { return bytes }
      var quoted: [UInt8] = [UInt8(ascii: "\"")]
      for byte in bytes {
        quoted.append(byte)
        if byte == UInt8(ascii: "\"") { quoted.append(byte) }
      }
      quoted.append(UInt8(ascii: "\""))
      return quoted
    }
  }

  /// A currency of the mix: its code, digits, entity label and how to scale a USD-cent price.
  struct CurrencyProfile: Sendable {
    let code: [UInt8]
    let minorUnits: Int
    let entity: [UInt8]
    /// Upper end of this currency's slice of the cumulative weights.
    let cumulativeWeight: Int
    /// Minor units per USD cent, as `numerator / denominator`, rounded down to `granularity`.
    let numerator: Int64
    let denominator: Int64
    let granularity: Int64

    /// A realistic amount in this currency for a price of `cents` US cents (at least one step).
    func fromUSDCents(_ cents: Int64) -> Int64 {
      max(granularity, cents * numerator / denominator / granularity * granularity)
    }
  }

  /// Every constant byte string a line is built from, prepared once.
  struct Vocabulary: Sendable {
    let idPrefixes: [[UInt8]]
    let kindNames: [[UInt8]]
    let currencies: [CurrencyProfile]
    let memos: [Text]
    let memoRanges: [Range<Int>]
    let resentMemo: Int
    let reasons: [Text]
    let authors: [Text]
    let bulkOrderID: [UInt8]
    let orderIDWidth: Int
    let seed: UInt64

    init(options: GeneratorOptions) {
      idPrefixes = options.sources.map { Array($0.utf8) + [UInt8(ascii: "-")] }
      kindNames = EventKind.allCases.map { Array($0.rawValue.utf8) }
      currencies = Self.profiles(options.currencies)
      var memos: [Text] = []
      var ranges: [Range<Int>] = []
      for kind in EventKind.allCases {
        let texts = Self.memoTexts[kind] ?? []
        ranges.append(memos.count..<(memos.count + texts.count))
        memos += texts.map(Text.init)
      }
      resentMemo = memos.count
      memos.append(Text("resent by producer"))
      self.memos = memos
      memoRanges = ranges
      reasons = Self.reasonTexts.map(Text.init)
      authors = ["a.chen", "m.rossi", "k.okafor", "s.ivanova", "j.müller"].map(Text.init)
      bulkOrderID = Array(options.bulkOrderID.utf8)
      orderIDWidth = max(8, String(options.orderCount).utf8.count)
      seed = options.seed
    }

    /// The currency of order `order`: fixed for the order's life, drawn by the mix's weights.
    func currency(ofOrder order: Int) -> Int {
      let total = currencies.last?.cumulativeWeight ?? 1
      let draw = Int(SeededRandom.mix(seed ^ (UInt64(order) &* 0x9E37_79B9)) % UInt64(total))
      return currencies.firstIndex { draw < $0.cumulativeWeight } ?? 0
    }

    /// The currency bulk-order lines use: USD when in the mix, else the first.
    var bulkCurrency: Int {
      currencies.firstIndex { $0.code == Array("USD".utf8) } ?? 0
    }

    /// Correction reasons; the first three match the situations in the order lifecycle.
    static let reasonTexts = [
      "unpaid balance written off", "settled outside the platform, see ticket FIN-2291",
      "rounding difference", "duplicate charge reversed",
    ]

    private static let memoTexts: [EventKind: [String]] = [
      .charge: [
        "web order", "2 items", "subscription renewal", "gift wrap, express shipping",
        "café order #A-17",
      ],
      .payment: ["card capture", "bank transfer", "wallet payment", "PayPal"],
      .refund: ["customer return", "damaged in transit", "size \"L\" exchanged for \"M\""],
      .chargeback: ["disputed by cardholder", "fraud claim"],
      .fee: ["processing fee", "marketplace commission 2.9%"],
      .payout: ["refund paid to card"],
      .adjustment: ["chargeback written off", "rounding adjustment"],
      .remittance: ["fee settled", "royalty remitted"],
      .shipment: ["shipped via DHL", "partial shipment 1/2", "delivered"],
      .royalty: ["royalty accrual", "e-book royalty"],
    ]

    private static func profiles(_ shares: [GeneratorOptions.CurrencyShare]) -> [CurrencyProfile] {
      var cumulative = 0
      return shares.map { share in
        cumulative += share.weight
        let digits = CurrencyTable.minorUnits(for: share.code) ?? 2
        let (numerator, denominator, granularity) = scale(share.code, digits)
        return CurrencyProfile(
          code: Array(share.code.utf8), minorUnits: digits,
          entity: Array(("acme-" + entityRegion(share.code)).utf8), cumulativeWeight: cumulative,
          numerator: numerator, denominator: denominator, granularity: granularity)
      }
    }

    private static func scale(_ code: String, _ digits: Int) -> (Int64, Int64, Int64) {
      switch (code, digits) {
      case ("JPY", _): (3, 2, 10)  // ¥1.5 per cent, prices in tens of yen
      case ("BHD", _): (377, 100, 5)  // 3.77 fils per cent, in 5-fils steps
      case (_, 0): (1, 1, 1)
      case (_, 3): (10, 1, 1)
      case (_, 4): (100, 1, 1)
      default: (1, 1, 1)
      }
    }

    private static func entityRegion(_ code: String) -> String {
      switch code {
      case "USD": "us"
      case "EUR": "de"
      case "GBP": "uk"
      case "JPY": "jp"
      case "BHD": "bh"
      default: code.lowercased()
      }
    }
  }
}

extension EventKind {
  /// Position in `allCases`, for table lookups without hashing.
  var workloadIndex: Int {
    switch self {
    case .charge: 0
    case .payment: 1
    case .refund: 2
    case .chargeback: 3
    case .fee: 4
    case .payable: 5
    case .payout: 6
    case .royalty: 7
    case .amortization: 8
    case .remittance: 9
    case .shipment: 10
    case .adjustment: 11
    case .correction: 12
    }
  }
}
