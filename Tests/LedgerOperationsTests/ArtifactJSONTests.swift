import Foundation
import LedgerDomain
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerOperations

/// `lookup --json` / `export --json` through the JSON writer: the SPEC §6 field names, amounts
/// as decimal strings, counts as numbers, unknown input fields with their original values.
@Suite struct ArtifactJSONTests {
  static let jsonFile = "20261127T100000Z_20261127T100100Z.jsonl"
  static let csvFile = "20261127T100000Z_20261127T100100Z.csv"

  /// A charge with a memo full of escapes and every kind of extra, and a correction whose
  /// reason holds quotes and control characters.
  static let lines = [
    eventLine(
      id: "e1", order: "o1", amount: "10.00",
      extra: #","memo":"tab\there \"q\" \\ \u0001 é","tags":[1, "a" ,{"b":null,"c":{"d":[true,false]}}],"#
        + #""big":123456789012345678901234567890123456789012345,"huge":1e400,"dbl":1e200,"small":1.50,"#
        + #""exp":1E+2,"uni":"\u00e9\ud83d\ude00\u0000\u001f","nested":{"z":1,"a":{"y":"\n"}},"n":null,"t":true"#),
    eventLine(
      id: "c1", order: "o1", kind: "correction", amount: "-1.00",
      extra: #","reason":"fee \"waived\"\u0007\nsee\tFIN-1","author":"j.m\u00fcller""#),
  ]

  /// A harness with `lines` from source `shop` and a CSV line (order `o2`, two extra columns)
  /// from source `till`, processed.
  static func processed() throws -> EngineHarness {
    let h = try EngineHarness()
    try h.deliver(source: "shop", name: jsonFile, lines: lines)
    try h.deliver(
      source: "till", name: csvFile,
      bytes: Array("order_id,amount,channel,note\r\no2,1.00,web,\"a\tb \"\"c\"\" \\ é\"\r\n".utf8))
    try h.runUntilIdle()
    return h
  }

  static func object(_ text: String) throws -> NSDictionary {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
  }

  @Test func linesKeepEveryFieldAndExtraWithItsExactValue() throws {
    let h = try Self.processed()
    let view = try #require(try ArtifactQuery(context: h.context()).lookup("o1"))
    let text = try ArtifactRendering.json(view, withLines: true)
    #expect(!text.contains("\n"))
    let artifact = try Self.object(text)
    let expected: [String: Any] = [
      "order_id": "o1", "status": "open", "balance": ["USD": "9.00"], "debits": ["USD": "10.00"],
      "credits": ["USD": "-1.00"], "line_count": 2, "version": 1,
      "location": [
        "file": "parts/\(view.entry.location.part)", "offset": view.entry.location.offset,
        "length": view.entry.location.length,
      ],
      "lines": [
        [
          "id": "e1", "order_id": "o1", "kind": "charge", "amount": "10.00", "currency": "USD",
          "ts": "2026-11-27T10:00:00Z", "memo": "tab\there \"q\" \\ \u{01} é",
          "extra": [
            "tags": [1, "a", ["b": NSNull(), "c": ["d": [true, false]]]],
            "big": "123456789012345678901234567890123456789012345", "huge": "1e400", "dbl": 1e200,
            "small": 1.5, "exp": 100, "uni": "é😀\u{00}\u{1F}", "nested": ["z": 1, "a": ["y": "\n"]],
            "n": NSNull(), "t": true,
          ],
          "origin": ["source": "shop", "file": Self.jsonFile, "line": 1],
        ],
        [
          "id": "c1", "order_id": "o1", "kind": "correction", "amount": "-1.00", "currency": "USD",
          "ts": "2026-11-27T10:00:00Z", "reason": "fee \"waived\"\u{07}\nsee\tFIN-1", "author": "j.müller",
          "origin": ["source": "shop", "file": Self.jsonFile, "line": 2],
        ],
      ],
    ]
    #expect(artifact == expected as NSDictionary, "\(text)")
    let first = try #require((artifact["lines"] as? [NSDictionary])?.first)
    #expect(first["amount"] is String && artifact["line_count"] is NSNumber)
  }

  @Test func printsOneObjectWithSortedKeysAndCSVExtrasAsStrings() throws {
    let h = try Self.processed()
    var view = try #require(try ArtifactQuery(context: h.context()).lookup("o2"))
    view.entry.location = ArtifactLocation(part: "a-1.part", offset: 40, length: 109)
    #expect(
      try ArtifactRendering.json(view, withLines: true)
        == #"{"balance":{"USD":"1.00"},"credits":{"USD":"0.00"},"debits":{"USD":"1.00"},"line_count":1,"#
        + #""lines":[{"amount":"1.00","currency":"USD","extra":{"channel":"web","note":"a\tb \"c\" \\ é"},"#
        + #""id":"till/\#(Self.csvFile)#2","kind":"charge","order_id":"o2","#
        + #""origin":{"file":"\#(Self.csvFile)","line":2,"source":"till"},"ts":"2026-11-27T10:00:00Z"}],"#
        + #""location":{"file":"parts/a-1.part","length":109,"offset":40},"order_id":"o2","status":"open","version":1}"#
    )
  }

  @Test func leavesLinesOutWhenNotAskedFor() throws {
    let h = try Self.processed()
    let view = try #require(try ArtifactQuery(context: h.context()).lookup("o1", withLines: false))
    let artifact = try Self.object(try ArtifactRendering.json(view, withLines: false))
    #expect(artifact["lines"] == nil)
    #expect(
      (artifact.allKeys as? [String])?.sorted() == [
        "balance", "credits", "debits", "line_count", "location", "order_id", "status", "version",
      ])
  }

  @Test func aStoredExtraThatIsNotJSONFailsWithTheReasonInsteadOfPrintingBrokenJSON() throws {
    let origin = EventOrigin(source: "shop", file: Self.jsonFile, line: 3)
    let event = Event(
      id: "e3", orderID: "o3", kind: .charge, amount: 100, currency: .usd, ts: "2026-11-27T10:00:00Z",
      extras: [ExtraField(name: "x", rawJSON: #"{"a":1,"#)], origin: origin)
    let view = ArtifactView(
      stored: StoredSummary(summary: ArtifactSummary(orderID: "o3"), segments: [], ids: .inline([])),
      entry: IndexEntry(orderID: "o3", location: ArtifactLocation(part: "p", offset: 0, length: 1), version: 1),
      lines: [event])
    #expect(
      throws: JSONValueError.invalid(text: #"{"a":1,"#, detail: "the line ends at byte offset 7, expected a string key")
    ) {
      try ArtifactRendering.json(view, withLines: true)
    }
    #expect(try Self.object(try ArtifactRendering.json(view, withLines: false))["order_id"] as? String == "o3")
  }
}
