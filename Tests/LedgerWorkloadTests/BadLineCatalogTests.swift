import Foundation
import LedgerDomain
import Testing

@testable import LedgerWorkload

/// The bad-line catalogue against the ingest decoders: every template is rejected for exactly
/// the rule it is tagged with, and a generated workload covers every rule.
struct BadLineCatalogTests {
  @Test func everyRejectionRuleAppearsWhenBadLinesAreOn() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(batches: 2, bad: 0.05, csvEvery: 2))
      .write(toInbox: inbox.path)
    let rules = [
      "invalid-utf8", "line-too-long", "not-json", "not-an-object", "duplicate-key",
      "missing-field", "wrong-type", "empty-field", "field-too-long", "unknown-kind",
      "malformed-amount", "too-many-amount-digits", "amount-out-of-range", "unknown-currency",
      "invalid-timestamp",
    ]
    #expect(BadLineCatalog.jsonRules == rules.sorted())
    #expect(Set(report.badLinesByRule.keys) == Set(rules + ["csv-field-count"]))
    #expect(report.badLines == 3 * 2 * 200 * 5 / 100 + 300 * 5 / 100)
  }

  @Test func badLinesFollowTheCatalogueInOrder() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let count = BadLineCatalog.jsonLines.count
    let options = smallWorkload(
      sources: ["web-store"], batches: 1, events: count, bulk: 0, bad: 1, corrections: 0,
      orders: 1)
    _ = try WorkloadGenerator(options: options).write(toInbox: inbox.path)
    let file = try #require(try inbox.files().values.first)
    let all = generatedLines(file)
    #expect(all.count == 2 * count)
    for (index, template) in BadLineCatalog.jsonLines.enumerated() {
      let good = try #require(generatedJSON(all[2 * index]))
      let ts = try #require(good["ts"] as? String)
      let id = "web-store-" + String(repeating: "0", count: 8) + String(format: "%02d", 2 * index + 2)
      let expected = template.render(id: id, orderID: "ord-00000001", ts: ts)
      #expect(all[2 * index + 1] == expected, "\(template.rule): \(template.label)")
    }
  }

  @Test(arguments: BadLineCatalog.jsonLines)
  func ingestRejectsEachJSONTemplateForItsRule(template: BadLineCatalog.Template) {
    let line = template.render(
      id: "web-store-0000000001", orderID: "ord-00000001", ts: "2026-11-27T10:00:00.000Z")
    let origin = EventOrigin(source: "web-store", file: "f.jsonl", line: 1)
    guard case .failure(let reason) = EventDecoder().decodeJSONLine(line, origin: origin) else {
      Issue.record("\(template.label) was accepted")
      return
    }
    #expect(reason.rule == template.rule, "\(template.label): \(reason)")
  }

  @Test(arguments: BadLineCatalog.csvRows)
  func ingestRejectsEachCSVTemplateForItsRule(template: BadLineCatalog.Template) {
    let row = template.render(
      id: "web-store-0000000001", orderID: "ord-00000001", ts: "2026-11-27T10:00:00.000Z")
    let file = Array((BadLineCatalog.csvHeader + "\n").utf8) + row + [10]
    let results = Self.decode(file, name: "20261127T100000Z_20261127T100100Z.csv")
    #expect(results.accepted == 0)
    #expect(results.rejectedByRule == [template.rule: 1], "\(template.label)")
  }

  @Test func ingestAcceptsEveryGoodLineAndRejectsEveryBadOneAsReported() throws {
    let inbox = try GeneratorScratchInbox()
    defer { inbox.remove() }
    let report = try WorkloadGenerator(options: smallWorkload(bad: 0.03, duplicates: 0.05, csvEvery: 2))
      .write(toInbox: inbox.path)
    let files = try inbox.files()
    var accepted = 0
    var rejected: [String: Int] = [:]
    for path in report.files {
      let name = String(path.split(separator: "/")[1])
      let results = Self.decode(files[path] ?? [], name: name)
      accepted += results.accepted
      rejected.merge(results.rejectedByRule, uniquingKeysWith: +)
    }
    #expect(accepted == report.goodLines)
    #expect(rejected == report.badLinesByRule)
  }

  /// Decodes a batch file the way ingest does; counts accepted lines and rejections by rule.
  private static func decode(_ bytes: [UInt8], name: String) -> (
    accepted: Int, rejectedByRule: [String: Int]
  ) {
    var accepted = 0
    var rejected: [String: Int] = [:]
    let tally = { (result: Result<Event, Rejection>) in
      switch result {
      case .success: accepted += 1
      case .failure(let rejection): rejected[rejection.reason.rule, default: 0] += 1
      }
    }
    _ = bytes.withUnsafeBufferPointer { buffer in
      if name.hasSuffix(".csv") {
        CSVBatchDecoder(
          source: "web-store", file: name, batchFrom: BatchInstant(secondsSinceEpoch: 0)
        ).decode(buffer, tally)
      } else {
        JSONLinesBatchDecoder(decoder: EventDecoder(), source: "web-store", file: name)
          .decode(buffer, tally)
      }
    }
    return (accepted, rejected)
  }
}
