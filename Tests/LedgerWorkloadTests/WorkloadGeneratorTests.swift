import Foundation
import LedgerDomain
import Testing

@testable import LedgerWorkload

/// A scratch inbox under the temporary directory, removed by `remove()`.
struct GeneratorScratchInbox {
  let path: String

  init() throws {
    path = NSTemporaryDirectory() + "workload-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }

  /// Every file under the inbox, relative path → bytes.
  func files() throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    for source in try FileManager.default.contentsOfDirectory(atPath: path) {
      for name in try FileManager.default.contentsOfDirectory(atPath: path + "/" + source) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "/" + source + "/" + name))
        result[source + "/" + name] = [UInt8](data)
      }
    }
    return result
  }
}

func generatedLines(_ bytes: [UInt8]) -> [[UInt8]] {
  var result = bytes.split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
  if result.last == [] { result.removeLast() }
  return result
}

func generatedJSON(_ line: [UInt8]) -> [String: Any]? {
  (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
}

/// Small options for tests: no bad lines or duplicates unless a test asks.
func smallWorkload(
  seed: UInt64 = 7, sources: [String] = ["web-store", "marketplace", "payments"],
  batches: Int = 4, events: Int = 200, bulk: Int = 300, bad: Double = 0, duplicates: Double = 0,
  corrections: Double = 0.02, csvEvery: Int = 0, orders: Int = 500
) -> GeneratorOptions {
  GeneratorOptions(
    seed: seed, sources: sources, batchesPerSource: batches, eventsPerBatch: events,
    orderCount: orders, bulkOrderLines: bulk, badLineRate: bad, duplicateRate: duplicates,
    correctionRate: corrections, csvEvery: csvEvery, batchSeconds: 60)
}

struct WorkloadGeneratorTests {
  @Test func sameSeedWritesByteIdenticalFiles() throws {
    let options = smallWorkload(bad: 0.02, duplicates: 0.05, csvEvery: 3)
    let first = try GeneratorScratchInbox()
    let second = try GeneratorScratchInbox()
    let third = try GeneratorScratchInbox()
    defer { [first, second, third].forEach { $0.remove() } }
    _ = try WorkloadGenerator(options: options).write(toInbox: first.path)
    _ = try WorkloadGenerator(options: options).write(toInbox: second.path)
    var reseeded = options
    reseeded.seed = 8
    _ = try WorkloadGenerator(options: reseeded).write(toInbox: third.path)
    let files = try first.files()
    #expect(files.count == 12)
    #expect(files == (try second.files()))
    #expect(files != (try third.files()))
  }

  @Test func writesTheRequestedCounts() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(bad: 0.01, duplicates: 0.05))
      .write(toInbox: inbox.path)
    #expect(report.files.count == 12)
    #expect(report.events == 3 * 4 * 200 + 300)
    #expect(report.bulkLines == 300)
    #expect(report.corrections == 48)  // 2% of 2400 regular events
    #expect(report.badLines == 27)  // 1% of 2700 good first copies
    #expect(report.duplicateCopies == 135)  // 5% of 2700
    let files = try inbox.files()
    let physical = files.values.map { generatedLines($0).count }.reduce(0, +)
    #expect(physical == report.events + report.duplicateCopies + report.badLines)
    #expect(report.bytes == files.values.map(\.count).reduce(0, +))
    #expect(Set(report.files) == Set(files.keys))
  }

  @Test func eachBatchHoldsEventsPerBatchNewRegularEventsAndTheBulkOrderIsSpread() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(duplicates: 0.05))
      .write(toInbox: inbox.path)
    let files = try inbox.files()
    var seen: Set<String> = []
    var bulkIDs: Set<String> = []
    for path in report.files {
      var regular = 0
      var bulk = 0
      for line in generatedLines(files[path] ?? []) {
        let object = try #require(generatedJSON(line))
        let id = try #require(object["id"] as? String)
        guard seen.insert(id).inserted else { continue }
        if object["order_id"] as? String == "bulk-000001" {
          bulk += 1
          bulkIDs.insert(id)
        } else {
          regular += 1
        }
      }
      #expect(regular == 200, "\(path)")
      #expect(bulk == 25, "\(path)")  // 300 lines over 12 batches
    }
    #expect(bulkIDs.count == 300)
  }

  @Test func duplicateCopiesRepeatAnEarlierEventAndDifferAtMostInMemo() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(duplicates: 0.1)).write(toInbox: inbox.path)
    let files = try inbox.files()
    var firstCopies: [String: NSDictionary] = [:]
    var copies = 0
    var sameBatchCopies = 0
    for path in report.files {
      var inThisFile: Set<String> = []
      for line in generatedLines(files[path] ?? []) {
        let object = try #require(generatedJSON(line))
        let id = try #require(object["id"] as? String)
        var withoutMemo = object
        withoutMemo["memo"] = nil
        if let first = firstCopies[id] {
          copies += 1
          if inThisFile.contains(id) { sameBatchCopies += 1 }
          #expect(first == withoutMemo as NSDictionary, "\(id)")
        } else {
          firstCopies[id] = withoutMemo as NSDictionary
        }
        inThisFile.insert(id)
      }
    }
    #expect(copies == report.duplicateCopies)
    #expect(copies == 270)
    #expect(sameBatchCopies > 0 && sameBatchCopies < copies)
  }

  @Test func fileNamesParseAndBatchesOfASourceAreContiguous() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(batches: 5, csvEvery: 2))
      .write(toInbox: inbox.path)
    #expect(
      report.files.prefix(3) == [
        "web-store/20261127T100000Z_20261127T100100Z.jsonl",
        "marketplace/20261127T100000Z_20261127T100100Z.jsonl",
        "payments/20261127T100000Z_20261127T100100Z.jsonl",
      ])
    for source in ["web-store", "marketplace", "payments"] {
      let names = report.files.filter { $0.hasPrefix(source + "/") }
        .map { String($0.dropFirst(source.count + 1)) }
      #expect(names.count == 5)
      var expectedFrom = "20261127T100000Z"
      for (index, name) in names.enumerated() {
        let parts = try #require(Self.parseName(name))
        #expect(parts.from == expectedFrom)
        #expect(parts.ext == (index % 2 == 1 ? "csv" : "jsonl"))
        expectedFrom = parts.to
      }
      #expect(expectedFrom == "20261127T100500Z")
    }
  }

  /// `YYYYMMDDTHHMMSSZ_YYYYMMDDTHHMMSSZ.jsonl|csv`, checked character by character.
  private static func parseName(_ name: String) -> (from: String, to: String, ext: String)? {
    let parts = name.split(separator: ".")
    let instants = parts.first?.split(separator: "_") ?? []
    guard parts.count == 2, instants.count == 2 else { return nil }
    for instant in instants {
      let chars = Array(instant)
      guard chars.count == 16, chars[8] == "T", chars[15] == "Z",
        (chars[0..<8] + chars[9..<15]).allSatisfy(\.isASCII),
        (chars[0..<8] + chars[9..<15]).allSatisfy(\.isNumber)
      else { return nil }
    }
    guard instants[0] < instants[1] else { return nil }
    return (String(instants[0]), String(instants[1]), String(parts[1]))
  }

  @Test func csvBatchesStartWithTheHeaderRow() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(batches: 2, csvEvery: 2))
      .write(toInbox: inbox.path)
    let files = try inbox.files()
    let csv = report.files.filter { $0.hasSuffix(".csv") }
    #expect(csv.count == 3)
    for path in csv {
      let rows = generatedLines(files[path] ?? [])
      #expect(rows.first == Array(BadLineCatalog.csvHeader.utf8))
      #expect(rows.count > 200)
    }
  }

  @Test func noInProgressNamesRemainAfterWriting() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    _ = try WorkloadGenerator(options: smallWorkload(bad: 0.01, duplicates: 0.01))
      .write(toInbox: inbox.path)
    let names = try inbox.files().keys.map { $0.split(separator: "/").last.map(String.init) ?? "" }
    #expect(names.count == 12)
    #expect(names.allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".tmp") })
  }

  @Test func goodLinesObeyTheEventRules() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(duplicates: 0.02))
      .write(toInbox: inbox.path)
    let files = try inbox.files()
    var kinds: Set<String> = []
    for path in report.files {
      let to = try #require(Self.parseName(String(path.split(separator: "/")[1]))).to
      for line in generatedLines(files[path] ?? []) {
        let object = try #require(generatedJSON(line))
        try Self.checkEvent(object, line: line, batchTo: to)
        kinds.insert(object["kind"] as? String ?? "")
      }
    }
    let expectedKinds: Set<String> = [
      "charge", "payment", "refund", "payout", "chargeback", "adjustment", "fee", "remittance",
      "shipment", "royalty", "correction",
    ]
    #expect(kinds == expectedKinds)
  }

  private static func checkEvent(_ object: [String: Any], line: [UInt8], batchTo: String) throws {
    let id = try #require(object["id"] as? String)
    #expect(!id.isEmpty && id.utf8.count <= 128)
    let orderID = try #require(object["order_id"] as? String)
    #expect(!orderID.isEmpty && orderID.utf8.count <= 128)
    let kind = try #require(EventKind(rawValue: object["kind"] as? String ?? ""))
    let currency = try #require(Currency(isoCode: object["currency"] as? String ?? ""))
    let amount = try #require(rawAmount(line))
    #expect(DecimalAmount.parse(amount, minorUnits: currency.minorUnits).isSuccess, "\(amount)")
    let ts = try #require(object["ts"] as? String)
    #expect(ts.utf8.count == 24 && ts.hasSuffix("Z"))
    if kind == .correction {
      #expect((object["reason"] as? String)?.isEmpty == false)
      #expect((object["author"] as? String)?.isEmpty == false)
    }
    // Event time never runs ahead of its batch's arrival interval, and lags at most 5 s
    // before the first interval (late duplicate copies keep their original time).
    #expect(ts < Self.rfc3339(basic: batchTo) && ts >= "2026-11-27T09:59:55.000Z", "\(ts)")
  }

  /// `20261127T100100Z` → `2026-11-27T10:01:00.000Z`.
  private static func rfc3339(basic: String) -> String {
    let c = Array(basic)
    return String(c[0..<4]) + "-" + String(c[4..<6]) + "-" + String(c[6..<8]) + "T"
      + String(c[9..<11]) + ":" + String(c[11..<13]) + ":" + String(c[13..<15]) + ".000Z"
  }

  /// The amount's text as written: `"12.50"` without quotes, or a JSON number.
  private static func rawAmount(_ line: [UInt8]) -> String? {
    let text = String(decoding: line, as: UTF8.self)
    guard let range = text.range(of: #""amount":"#) else { return nil }
    let rest = text[range.upperBound...]
    let value = rest.prefix { $0 != "," && $0 != "}" }
    return value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
  }

  @Test func liveRoundsMatchTheFirstRoundsOfAWholeWrite() throws {
    let live = try GeneratorScratchInbox()
    let whole = try GeneratorScratchInbox()
    defer { [live, whole].forEach { $0.remove() } }
    let options = smallWorkload(batches: 3, bad: 0.02, duplicates: 0.05)
    var generator = WorkloadGenerator(options: options)
    let first = try generator.nextRound(toInbox: live.path)
    let second = try generator.nextRound(toInbox: live.path)
    #expect(generator.round == 2)
    #expect(
      first.files == [
        "web-store/20261127T100000Z_20261127T100100Z.jsonl",
        "marketplace/20261127T100000Z_20261127T100100Z.jsonl",
        "payments/20261127T100000Z_20261127T100100Z.jsonl",
      ])
    #expect(second.files.first == "web-store/20261127T100100Z_20261127T100200Z.jsonl")
    #expect(second.distinctOrders >= first.distinctOrders)
    let report = try WorkloadGenerator(options: options).write(toInbox: whole.path)
    let liveFiles = try live.files()
    let wholeFiles = try whole.files()
    for path in first.files + second.files { #expect(liveFiles[path] == wholeFiles[path]) }
    #expect(report.files.count == 9)
  }

  @Test func liveModeKeepsGoingPastBatchesPerSourceWithoutBulkLines() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    var generator = WorkloadGenerator(options: smallWorkload(batches: 1, events: 10, bulk: 30))
    let first = try generator.nextRound(toInbox: inbox.path)
    let second = try generator.nextRound(toInbox: inbox.path)
    #expect(first.bulkLines == 30)
    #expect(second.bulkLines == 0)
    #expect(second.events == 30)
  }

  @Test func refusesToOverwriteAnExistingBatch() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let generator = WorkloadGenerator(options: smallWorkload(batches: 1))
    _ = try generator.write(toInbox: inbox.path)
    let path = inbox.path + "/web-store/20261127T100000Z_20261127T100100Z.jsonl"
    #expect(throws: GenerationError.batchFileExists(path: path)) {
      try generator.write(toInbox: inbox.path)
    }
    #expect(
      GenerationError.batchFileExists(path: "in/a.jsonl").description
        == "batch file \"in/a.jsonl\" already exists; writing it again would repeat a batch "
        + "name, so nothing was overwritten: use another start time or an empty inbox")
  }

  @Test(arguments: [
    (
      GeneratorOptions(sources: ["Web"]), "sources", "Web",
      "a name matching [a-z0-9][a-z0-9-]{0,63}"
    ),
    (GeneratorOptions(sources: []), "sources", "", "at least one source name"),
    (GeneratorOptions(sources: ["a", "a"]), "sources", "a", "each source named once"),
    (GeneratorOptions(orderCount: 0), "orderCount", "0", "between 1 and 100000000"),
    (GeneratorOptions(badLineRate: 1.5), "badLineRate", "1.5", "a fraction in [0, 1]"),
    (GeneratorOptions(bulkOrderLines: -1), "bulkOrderLines", "-1", "a count from 0 to 1000000000"),
    (
      GeneratorOptions(bulkOrderID: "bulk order"), "bulkOrderID", "bulk order",
      "1 to 128 characters from A-Z a-z 0-9 . _ : -"
    ),
    (GeneratorOptions(batchSeconds: 0), "batchSeconds", "0", "between 1 and 31622400"),
    (
      GeneratorOptions(currencies: [.init("usd", weight: 1)]), "currencies", "usd",
      "an uppercase ISO 4217 code like USD"
    ),
  ])
  func rejectsInvalidOptions(options: GeneratorOptions, name: String, value: String, expected: String)
    throws
  {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let error = GenerationError.invalidOption(name: name, value: value, expected: expected)
    #expect(options.problem() == error)
    #expect(throws: error) { try WorkloadGenerator(options: options).write(toInbox: inbox.path) }
    #expect(try inbox.files().isEmpty)
  }

  @Test func invalidOptionMessageQuotesTheValueAndSaysWhatToDo() {
    #expect(
      GenerationError.invalidOption(name: "badLineRate", value: "1.5", expected: "a fraction")
        .description
        == "generator option badLineRate \"1.5\" is invalid: expected a fraction; "
        + "fix the option and run again")
  }

  @Test(arguments: [
    (Int64(0), "19700101T000000Z"), (951_782_400, "20000229T000000Z"),
    (1_795_773_600, "20261127T100000Z"), (4_107_542_399, "21000228T235959Z"),
  ])
  func formatsBatchInstantsInBasicForm(seconds: Int64, text: String) {
    #expect(WorkloadGenerator.Instant.basic(seconds) == text)
  }

  @Test(arguments: [
    (Int64(1_795_773_792_120), "2026-11-27T10:03:12.120Z"), (-1, "1969-12-31T23:59:59.999Z"),
    (951_868_799_000, "2000-02-29T23:59:59.000Z"), (1_709_251_200_005, "2024-03-01T00:00:00.005Z"),
  ])
  func formatsEventTimesAsRFC3339(millis: Int64, text: String) {
    #expect(WorkloadGenerator.Instant.rfc3339(millis) == text)
  }

  @Test(arguments: [
    (Int64(-1250), 2, false, "-12.50"), (1250, 2, true, "12.5"), (1200, 2, true, "12"),
    (100, 0, false, "100"), (1250, 3, false, "1.250"), (5, 2, false, "0.05"), (5, 2, true, "0.05"),
    (0, 2, false, "0.00"), (0, 2, true, "0"), (Int64.min, 2, false, "-92233720368547758.08"),
  ])
  func formatsAmountsExactly(minor: Int64, digits: Int, trimmed: Bool, text: String) {
    var out: [UInt8] = []
    WorkloadGenerator.appendAmount(minor, digits: digits, trimmed: trimmed, to: &out)
    #expect(String(decoding: out, as: UTF8.self) == text)
    #expect(DecimalAmount.parse(text, minorUnits: digits) == .success(minor))
  }

  @Test func kindTableIndexMatchesAllCases() {
    for (index, kind) in EventKind.allCases.enumerated() { #expect(kind.workloadIndex == index) }
  }
}

extension Result {
  fileprivate var isSuccess: Bool {
    if case .success = self { return true }
    return false
  }
}
