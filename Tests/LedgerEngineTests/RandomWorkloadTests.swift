import Foundation
import LedgerDomain
import LedgerOperations
import LedgerTesting
import Testing

@testable import LedgerEngine

/// Random workloads through the whole engine must equal a plain fold over the same events, on the
/// SQLite ports and on their in-memory doubles alike.
@Suite struct RandomWorkloadTests {
  /// One workload and how the engine runs it.
  struct Scenario: Sendable, CustomTestStringConvertible {
    var seed: UInt64
    var pipelined: Bool
    var maxInputsPerJob: Int
    /// Workers pick at random among the tasks that may start (seeded), not the most urgent.
    var taskOrder: UInt64? = nil
    /// JSON Lines inputs larger than this are registered as segments, each reduced as a range
    /// task of its own (nil: every input whole).
    var segmentBytes: Int? = nil

    var testDescription: String {
      "seed \(seed), \(pipelined ? "pipelined" : "sequential"), ≤\(maxInputsPerJob) inputs per job"
        + (taskOrder.map { ", random task order \($0)" } ?? "")
        + (segmentBytes.map { ", segments of \($0) bytes" } ?? "")
    }
  }

  static let scenarios = [
    Scenario(seed: 1, pipelined: true, maxInputsPerJob: 1),
    Scenario(seed: 2, pipelined: true, maxInputsPerJob: 2, taskOrder: 21),
    Scenario(seed: 3, pipelined: false, maxInputsPerJob: 3),
    Scenario(seed: 4, pipelined: true, maxInputsPerJob: 1, taskOrder: 41),
    Scenario(seed: 5, pipelined: false, maxInputsPerJob: 32, taskOrder: 51),
    Scenario(seed: 6, pipelined: true, maxInputsPerJob: 2),
    Scenario(seed: 7, pipelined: true, maxInputsPerJob: 1, taskOrder: 71),
    Scenario(seed: 8, pipelined: true, maxInputsPerJob: 3, taskOrder: 81),
    Scenario(seed: 9, pipelined: true, maxInputsPerJob: 2, taskOrder: 91, segmentBytes: 700),
    Scenario(seed: 10, pipelined: true, maxInputsPerJob: 1, segmentBytes: 300),
    Scenario(seed: 11, pipelined: false, maxInputsPerJob: 3, taskOrder: 111, segmentBytes: 500),
  ]

  /// What the oracle expects of one order.
  struct Expected: Equatable {
    var ids: [String] = []
    var totals: [String: [Int64]] = [:]  // code → [balance, debits, credits]
  }

  static let currencies: [(String, Int)] = [("USD", 2), ("JPY", 0), ("BHD", 3), ("EUR", 2)]
  static let kinds = ["charge", "payment", "refund", "fee", "payout", "adjustment", "correction"]
  static let badLines = [
    #"{"id":"x","order_id":"o-1","kind":"charge","amount":"1.000","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
    #"{"id":"x","order_id":"o-1","kind":"charge","amount":"1","currency":"usd","ts":"2026-11-27T10:00:00Z"}"#,
    #"{"id":"x","order_id":"o-1","kind":"bribe","amount":"1","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
    #"{"id":"x","order_id":"o-1","kind":"charge","amount":1e3,"currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
    #"{"id":"x","order_id":"o-1","kind":"charge","amount":"1","currency":"USD","ts":"yesterday"}"#,
    #"{"id":"x","order_id":"o-1","kind":"correction","amount":"1","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
    #"{"id":"x","id":"y","order_id":"o-1","kind":"charge","amount":"1","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
    #"{"id":"x","order_id":"o-1","kind":"charge","amount":"1","currency":"USD","ts":"2026-11-27T10:00:00Z",}"#,
    "[1,2,3]", "not json at all",
  ]

  /// Builds one random workload, delivers it, and returns the oracle's view.
  static func workload(seed: UInt64, harness: EngineHarness) throws -> (expected: [String: Expected], bad: Int) {
    var rng = SeededRandom(seed: seed)
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    var expected: [String: Expected] = [:]
    var usedIDs: [(String, String)] = []
    var bad = 0
    let sources = ["alpha", "beta", "gamma"]
    let base = BatchInstant(basic: "20261127T100000Z")?.secondsSinceEpoch ?? 0
    var files: [(from: Int64, source: String, name: String, lines: [String])] = []
    for source in sources {
      for b in 0..<(2 + pick(3)) {
        let from = base + Int64(b) * 60
        let name =
          "\(BatchInstant(secondsSinceEpoch: from).basic)_\(BatchInstant(secondsSinceEpoch: from + 60).basic).jsonl"
        var lines: [String] = []
        for _ in 0..<(5 + pick(40)) {
          lines.append(randomLine(&rng, used: &usedIDs, source: source, bad: &bad))
        }
        files.append((from, source, name, lines))
      }
    }
    for file in files.sorted(by: { ($0.from, $0.source, $0.name) < ($1.from, $1.source, $1.name) }) {
      try harness.deliver(source: file.source, name: file.name, lines: file.lines)
      for line in file.lines { fold(line, into: &expected) }
    }
    return (expected, bad)
  }

  static func randomLine(_ rng: inout SeededRandom, used: inout [(String, String)], source: String, bad: inout Int)
    -> String
  {
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    if pick(10) == 0 {
      bad += 1
      return badLines[pick(badLines.count)]
    }
    var (id, order) = ("\(source)-\(rng.next() % 1_000_000_000)", "o-\(pick(25))")
    if !used.isEmpty, pick(6) == 0 { (id, order) = used[pick(used.count)] }
    if pick(30) == 0 { order = "o-\(pick(25))" }  // same id, maybe another order: not a duplicate there
    used.append((id, order))
    let (code, digits) = currencies[pick(currencies.count)]
    let units = Int64(pick(2_000_000)) - 900_000
    let amount = DecimalAmount.format(units, minorUnits: digits)
    let kind = kinds[pick(kinds.count)]
    let amountJSON = pick(3) == 0 ? amount : "\"\(amount)\""
    let extra =
      kind == "correction"
      ? #","reason":"fix","author":"ana""# : (pick(4) == 0 ? #","memo":"m","x_custom":[1,{"a":null}]"# : "")
    return
      #"{"id":"\#(id)","order_id":"\#(order)","kind":"\#(kind)","amount":\#(amountJSON),"currency":"\#(code)","ts":"2026-11-27T10:00:00Z"\#(extra)}"#
  }

  /// The oracle: a plain fold with first-copy-wins idempotency per order.
  static func fold(_ line: String, into expected: inout [String: Expected]) {
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      badLines.contains(line) == false,
      let id = object["id"] as? String, let order = object["order_id"] as? String,
      let code = object["currency"] as? String,
      let digits = currencies.first(where: { $0.0 == code })?.1
    else { return }
    let amountText =
      (object["amount"] as? String) ?? line.split(separator: ",").first { $0.hasPrefix(#""amount":"#) }.map {
        String($0.dropFirst(9))
      } ?? ""
    guard case .success(let units) = DecimalAmount.parse(amountText, minorUnits: digits) else { return }
    var artifact = expected[order] ?? Expected()
    guard !artifact.ids.contains(id) else { return }
    artifact.ids.append(id)
    var t = artifact.totals[code] ?? [0, 0, 0]
    t[0] += units
    if units > 0 { t[1] += units } else if units < 0 { t[2] += units }
    artifact.totals[code] = t
    expected[order] = artifact
  }

  @Test(arguments: EngineHarness.Storage.available, scenarios)
  func engineEqualsPlainFold(storage: EngineHarness.Storage, scenario: Scenario) throws {
    let harness = try EngineHarness(storage: storage)
    let (expected, bad) = try Self.workload(seed: scenario.seed, harness: harness)
    let report = try harness.runUntilIdle(
      pipelined: scenario.pipelined, maxInputsPerJob: scenario.maxInputsPerJob, taskOrderSeed: scenario.taskOrder,
      segmentBytes: scenario.segmentBytes)
    #expect(report.failed.isEmpty)
    if scenario.segmentBytes != nil {
      // Some job was reduced as several ranges (else this scenario tests nothing new).
      let ledger = try harness.context().ledger
      let ranges = try ledger.recentJobs(limit: 1_000).map { try ledger.reduceRanges(job: $0.seq).count }
      #expect(ranges.contains { $0 > 1 }, "ranges per job: \(ranges)")
    }
    let actual = try harness.artifacts()
    #expect(Set(actual.keys) == Set(expected.keys))
    for (order, want) in expected {
      guard let got = actual[order] else { continue }
      #expect(got.lines.map(\.id) == want.ids, "lines of \(order)")
      #expect(got.summary.lineCount == want.ids.count)
      var totals: [String: [Int64]] = [:]
      for (currency, t) in got.summary.totals { totals[currency.code] = [t.balance, t.debits, t.credits] }
      #expect(totals == want.totals, "totals of \(order)")
      let zero = want.totals.values.allSatisfy { $0[0] == 0 }
      #expect(got.summary.status == (zero ? .reconciled : .open))
    }
    let rejects = try RejectsReader(paths: harness.paths).lines()
    #expect(rejects.count == bad)
  }
}
