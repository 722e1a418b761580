import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// The plain-text renderings (`lookup`, `status`, `rejects`) show control characters and
/// bidirectional overrides from stored data as visible `\u{X}` escapes; their own line breaks
/// are the only raw control characters they print.
@Suite struct TerminalRenderingTests {
  static let file = "20261127T100000Z_20261127T100100Z.jsonl"

  /// A correction whose ids, reason and author hold escapes, and a line rejected for a kind
  /// holding ESC.
  static let lines = [
    eventLine(
      id: #"e\u001b[31m1"#, order: #"o\u001b[7m1"#, kind: "correction", amount: "-1.00",
      extra: #","reason":"fee\u001b]0;pwned\u0007\nsee","author":"\u202eann","memo":"\u009b2J""#),
    eventLine(id: "r1", order: "o2", kind: #"\u001b[2Jcharge"#, amount: "1.00"),
  ]

  /// True when `text` holds no control character but `\n`, no DEL, C1 or bidi override.
  static func isSafe(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0 != "\n" && TerminalText.mustEscape($0) }
  }

  @Test func lookupTextShowsStoredControlCharactersAsEscapes() throws {
    let h = try EngineHarness()
    try h.deliver(source: "shop", name: Self.file, lines: Self.lines)
    try h.runUntilIdle()
    let view = try #require(try ArtifactQuery(context: h.context()).lookup("o\u{1B}[7m1"))
    let text = ArtifactRendering.text(view)
    #expect(Self.isSafe(text), "\(text.debugDescription)")
    let rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(rows.count == 5)
    #expect(rows[0] == #"order o\u{1B}[7m1  status open  version 1  lines 1"#)
    #expect(rows[2] == "  USD  balance -1.00  debits 0.00  credits -1.00")
    #expect(
      rows[3]
        == #"  e\u{1B}[31m1  correction  -1.00 USD  2026-11-27T10:00:00Z  shop/"# + Self.file
        + #":1  reason: fee\u{1B}]0;pwned\u{7}\u{A}see  author: \u{202E}ann"#)
    #expect(rows[4] == "")
    // The JSON keeps the exact values.
    let json = try ArtifactRendering.json(view, withLines: true)
    #expect(json.contains(#""reason":"fee\u001b]0;pwned\u0007\nsee""#), "\(json)")
  }

  @Test func rejectsTextShowsTheQuotedValueEscaped() throws {
    let h = try EngineHarness()
    try h.deliver(source: "shop", name: Self.file, lines: Self.lines)
    try h.runUntilIdle()
    let rejects = try RejectsReader(paths: h.paths).lines()
    try #require(rejects.count == 1)
    #expect(
      rejects[0].text
        == #"batch 1: shop/"# + Self.file + #":2: kind "\u{1B}[2Jcharge" is not one of "#
        + EventKind.allCases.map(\.rawValue).joined(separator: " ") + " [unknown-kind]")
    #expect(rejects[0].json.contains(#"\u001b[2Jcharge"#), "\(rejects[0].json)")
  }

  @Test func rejectsTextEscapesEveryStoredField() {
    let line = RejectsReader.Line(
      batch: 3, json: "{}", source: "s\u{1B}", file: "f\u{9B}.csv", line: 4, rule: "r\u{7F}",
      reason: "bad\n\u{202E}value")
    #expect(line.text == #"batch 3: s\u{1B}/f\u{9B}.csv:4: bad\u{A}\u{202E}value [r\u{7F}]"#)
  }

  /// A refused file an operator moved away (fixed and re-delivered, or discarded) no longer
  /// waits for anyone: `status` stops listing it, says how many went, and its JSON marks it.
  @Test func aRefusedFileMovedAwayIsNoLongerListedAsWaiting() throws {
    let h = try EngineHarness()
    try h.deliver(source: "shop", name: "bad-name.jsonl", lines: [])
    try h.deliver(source: "shop", name: "also-bad.jsonl", lines: [])
    try h.runUntilIdle()
    let before = try StatusReport.build(h.context()).text()
    #expect(before.contains("(now at refused/shop/bad-name.jsonl)"), "\(before)")
    try FileManager.default.removeItem(atPath: "\(h.root)/refused/shop/bad-name.jsonl")
    let report = try StatusReport.build(h.context())
    let after = report.text()
    #expect(!after.contains("bad-name.jsonl"), "\(after)")
    #expect(after.contains("(now at refused/shop/also-bad.jsonl)"), "\(after)")
    #expect(
      after.contains("1 refused file was moved away from refused/ since (`status --json` lists them)"), "\(after)")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
    let refused = try #require(json["refused_files"] as? [[String: Any]])
    #expect(refused.map { $0["name"] as? String } == ["also-bad.jsonl", "bad-name.jsonl"])
    #expect(refused.map { $0["moved_away"] as? Bool } == [false, true])
  }

  @Test func statusTextShowsARefusedFileNameAndAStoredErrorEscaped() throws {
    let h = try EngineHarness()
    try h.deliver(source: "shop", name: "\u{1B}[31mevil.jsonl", lines: [])
    try h.runUntilIdle()
    let text = try StatusReport.build(h.context()).text()
    #expect(Self.isSafe(text), "\(text.debugDescription)")
    #expect(text.contains(#"  shop/\u{1B}[31mevil.jsonl: input file "\u{1B}[31mevil.jsonl" refused: "#), "\(text)")
    #expect(text.contains(#"(now at refused/shop/\u{1B}[31mevil.jsonl)"#), "\(text)")

    var report = StatusReportJSONTests.report()
    report.jobs[0].lastError = "disk \u{1B}[2J\"full\"\n\u{01}"
    report.refusals[0].name = "\u{1B}]0;x\u{07}.jsonl"
    let composed = report.text()
    #expect(Self.isSafe(composed), "\(composed.debugDescription)")
    #expect(composed.contains(#"       failed: disk \u{1B}[2J"full"\u{A}\u{1} — waiting for `ledgerline retry 3`"#))
    #expect(composed.contains(#"  shop/\u{1B}]0;x\u{7}.jsonl: name "x.jsonl" does not parse"#))
  }
}
