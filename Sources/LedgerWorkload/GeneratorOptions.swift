import LedgerDomain

/// What ``WorkloadGenerator`` writes: how many sources, batches, events and orders, how skewed,
/// and how much bad input, duplication and correction to mix in. The defaults describe the
/// `ledgerline generate` workload (four sources, a million-line bulk order); tests shrink them.
public struct GeneratorOptions: Sendable, Equatable {
  /// A currency and its relative weight among orders (an order keeps one currency for life).
  public struct CurrencyShare: Sendable, Equatable {
    /// The ISO 4217 code, e.g. `USD`.
    public var code: String
    /// Relative weight, positive.
    public var weight: Int

    /// A share of `weight` for `code`.
    public init(_ code: String, weight: Int) {
      self.code = code
      self.weight = weight
    }
  }

  /// The same seed (with the same other options) gives byte-identical files.
  public var seed: UInt64
  /// Source names (`inbox/<source>/`), each `[a-z0-9][a-z0-9-]{0,63}`, no repeats.
  public var sources: [String]
  /// Batches per source written by ``WorkloadGenerator/write(toInbox:)``; the bulk order's lines
  /// are spread over this many rounds.
  public var batchesPerSource: Int
  /// Regular events (first copies, bulk lines excluded) per batch file.
  public var eventsPerBatch: Int
  /// Distinct order ids regular events are drawn from (Zipf-skewed by rank).
  public var orderCount: Int
  /// Zipf exponent of order popularity (1.1: a few hot orders, a long tail).
  public var zipfExponent: Double
  /// Lines of the one bulk order, spread over all batches of the first `batchesPerSource` rounds;
  /// 0 = no bulk order.
  public var bulkOrderLines: Int
  /// The bulk order's id.
  public var bulkOrderID: String
  /// Bad lines per good first-copy line (0.002 = one in 500); templates from ``BadLineCatalog``.
  public var badLineRate: Double
  /// Fraction of good events re-sent with the same id, in the same or a later batch.
  public var duplicateRate: Double
  /// Fraction of regular events that are accountants' corrections (with reason and author).
  public var correctionRate: Double
  /// Every `csvEvery`-th batch of a source is CSV with a header row; 0 = never.
  public var csvEvery: Int
  /// Start of the first batch interval, seconds since 1970-01-01T00:00:00Z.
  public var start: Int64
  /// Length of each batch interval in seconds.
  public var batchSeconds: Int64
  /// The currency mix of orders.
  public var currencies: [CurrencyShare]

  /// The default feeding entities.
  public static let defaultSources = ["web-store", "marketplace", "payments", "royalties"]
  /// The default mix: mostly USD, some EUR and GBP, a little JPY (0 digits) and BHD (3 digits).
  public static let defaultCurrencies: [CurrencyShare] = [
    CurrencyShare("USD", weight: 60), CurrencyShare("EUR", weight: 20),
    CurrencyShare("GBP", weight: 10), CurrencyShare("JPY", weight: 7),
    CurrencyShare("BHD", weight: 3),
  ]
  /// 2026-11-27T10:00:00Z.
  public static let defaultStart: Int64 = 1_795_773_600
  /// The largest supported `orderCount` (per-order state takes 9 bytes: 900 MB at this size).
  public static let maxOrderCount = 100_000_000
  /// The largest supported count of lines, batches or events in any one option.
  public static let maxCount = 1_000_000_000

  /// Options with every default overridable.
  public init(
    seed: UInt64 = 1, sources: [String] = GeneratorOptions.defaultSources,
    batchesPerSource: Int = 10, eventsPerBatch: Int = 20_000, orderCount: Int = 200_000,
    zipfExponent: Double = 1.1, bulkOrderLines: Int = 1_000_000,
    bulkOrderID: String = "bulk-000001", badLineRate: Double = 0.002,
    duplicateRate: Double = 0.01, correctionRate: Double = 0.001, csvEvery: Int = 0,
    start: Int64 = GeneratorOptions.defaultStart, batchSeconds: Int64 = 60,
    currencies: [CurrencyShare] = GeneratorOptions.defaultCurrencies
  ) {
    self.seed = seed
    self.sources = sources
    self.batchesPerSource = batchesPerSource
    self.eventsPerBatch = eventsPerBatch
    self.orderCount = orderCount
    self.zipfExponent = zipfExponent
    self.bulkOrderLines = bulkOrderLines
    self.bulkOrderID = bulkOrderID
    self.badLineRate = badLineRate
    self.duplicateRate = duplicateRate
    self.correctionRate = correctionRate
    self.csvEvery = csvEvery
    self.start = start
    self.batchSeconds = batchSeconds
    self.currencies = currencies
  }

  /// The first option that cannot be generated, or `nil` when all are usable.
  public func problem() -> GenerationError? {
    if let problem = sourcesProblem() { return problem }
    if let problem = countsProblem() { return problem }
    if let problem = ratesProblem() { return problem }
    if let problem = timeProblem() { return problem }
    return currenciesProblem()
  }

  private func sourcesProblem() -> GenerationError? {
    guard !sources.isEmpty else {
      return .invalidOption(name: "sources", value: "", expected: "at least one source name")
    }
    for (index, name) in sources.enumerated() {
      guard Self.isValidSourceName(name) else {
        return .invalidOption(
          name: "sources", value: name, expected: "a name matching [a-z0-9][a-z0-9-]{0,63}")
      }
      guard !sources[..<index].contains(name) else {
        return .invalidOption(name: "sources", value: name, expected: "each source named once")
      }
    }
    return nil
  }

  private func countsProblem() -> GenerationError? {
    let checks: [(String, Int, Bool, String)] = [
      (
        "batchesPerSource", batchesPerSource, (0...1_000_000).contains(batchesPerSource),
        "a count from 0 to 1000000"
      ),
      (
        "eventsPerBatch", eventsPerBatch, (0...Self.maxCount).contains(eventsPerBatch),
        "a count from 0 to \(Self.maxCount)"
      ),
      (
        "orderCount", orderCount, orderCount >= 1 && orderCount <= Self.maxOrderCount,
        "between 1 and \(Self.maxOrderCount)"
      ),
      (
        "bulkOrderLines", bulkOrderLines, (0...Self.maxCount).contains(bulkOrderLines),
        "a count from 0 to \(Self.maxCount)"
      ),
      ("csvEvery", csvEvery, csvEvery >= 0, "0 (never) or a positive batch interval"),
    ]
    for (name, value, isValid, expected) in checks where !isValid {
      return .invalidOption(name: name, value: String(value), expected: expected)
    }
    guard Self.isPlainID(bulkOrderID) else {
      return .invalidOption(
        name: "bulkOrderID", value: bulkOrderID,
        expected: "1 to 128 characters from A-Z a-z 0-9 . _ : -")
    }
    return nil
  }

  private func ratesProblem() -> GenerationError? {
    let rates = [
      ("zipfExponent", zipfExponent, zipfExponent > 0 && zipfExponent <= 10, "a number in (0, 10]"),
      ("badLineRate", badLineRate, (0...1).contains(badLineRate), "a fraction in [0, 1]"),
      ("duplicateRate", duplicateRate, (0...1).contains(duplicateRate), "a fraction in [0, 1]"),
      ("correctionRate", correctionRate, (0...1).contains(correctionRate), "a fraction in [0, 1]"),
    ]
    for (name, value, isValid, expected) in rates where !isValid {
      return .invalidOption(name: name, value: String(value), expected: expected)
    }
    return nil
  }

  private func timeProblem() -> GenerationError? {
    guard batchSeconds >= 1 && batchSeconds <= 86_400 * 366 else {
      return .invalidOption(
        name: "batchSeconds", value: String(batchSeconds), expected: "between 1 and 31622400")
    }
    // Leave room for a century of rounds before the year 9999 ends.
    guard start >= 86_400, start <= 250_000_000_000 - batchSeconds * Int64(batchesPerSource) else {
      return .invalidOption(
        name: "start", value: String(start),
        expected: "seconds since 1970 from 86400 up to a year well before 9999")
    }
    return nil
  }

  private func currenciesProblem() -> GenerationError? {
    guard !currencies.isEmpty else {
      return .invalidOption(name: "currencies", value: "", expected: "at least one currency")
    }
    for share in currencies {
      guard Currency(isoCode: share.code) != nil else {
        return .invalidOption(
          name: "currencies", value: share.code, expected: "an uppercase ISO 4217 code like USD")
      }
      guard share.weight > 0, share.weight <= 1_000_000 else {
        return .invalidOption(
          name: "currencies", value: "\(share.code) weight \(share.weight)",
          expected: "a weight between 1 and 1000000")
      }
    }
    return nil
  }

  /// Whether `name` is a valid source name (SPEC §2).
  static func isValidSourceName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard let first = bytes.first, bytes.count <= 64, isLowerAlnum(first) else { return false }
    return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
  }

  private static func isPlainID(_ id: String) -> Bool {
    let bytes = Array(id.utf8)
    guard !bytes.isEmpty, bytes.count <= 128 else { return false }
    return bytes.allSatisfy { byte in
      isLowerAlnum(byte) || (byte >= 65 && byte <= 90) || byte == 46 || byte == 95 || byte == 58
        || byte == 45
    }
  }

  private static func isLowerAlnum(_ byte: UInt8) -> Bool {
    (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
  }
}
