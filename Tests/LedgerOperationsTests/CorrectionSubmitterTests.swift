import LedgerEngine
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerOperations

@Suite struct CorrectionSubmitterTests {
  let request = CorrectionRequest(
    orderID: "ord-1", amount: "-1.25", currency: "USD", reason: "duplicate fee", author: "ann")

  @Test(arguments: [
    ("reason", "   ", "correction refused: --reason is only spaces; say it in words; nothing was submitted"),
    ("reason", "", "correction refused: --reason is empty; say it in words; nothing was submitted"),
    (
      "reason", "fee\u{1B}[2Jgone",
      "correction refused: --reason contains a control character (U+001B); type plain text; nothing was submitted"
    ),
    (
      "author", "ann\u{202E}nimda",
      "correction refused: --author contains a control character (U+202E); type plain text; nothing was submitted"
    ),
    (
      "author", "ann\u{85}",
      "correction refused: --author contains a control character (U+0085); type plain text; nothing was submitted"
    ),
  ])
  func refusesTextAPersonCannotReadBack(field: String, value: String, message: String) throws {
    let h = try EngineHarness()
    var bad = request
    if field == "reason" { bad.reason = value } else { bad.author = value }
    let submitter = CorrectionSubmitter(paths: h.paths, ledger: try h.context().ledger, clock: h.clock)
    let result = try submitter.prepare(bad)
    guard case .failure(let error) = result else {
      Issue.record("\(field) \(value.debugDescription) was accepted")
      return
    }
    #expect(error.description == message)
  }

  @Test func theSameFieldsGiveTheSameEventIDAndAKeyOverridesThem() {
    var other = request
    #expect(request.eventID == other.eventID)
    #expect(request.eventID.hasPrefix("corr-") && request.eventID.count == 37)
    other.reason = "duplicate fee."
    #expect(request.eventID != other.eventID)
    var keyed = request
    keyed.key = "ticket-42"
    #expect(keyed.eventID == "corr-ticket-42")
    other.key = "ticket-42"
    #expect(other.eventID == keyed.eventID)
  }

  /// A script that retries `correct` after a failure (or just twice) never doubles the money.
  @Test func submittingTheSameCorrectionTwiceAppliesItOnce() throws {
    let h = try EngineHarness()
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [eventLine(id: "e1", order: "ord-1", amount: "10.00")])
    try h.runUntilIdle()
    let actions = OperatorActions(
      context: try h.context(), auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    let first = try actions.submitCorrection(request).get()
    let second = try actions.submitCorrection(request).get()
    #expect(first.eventID == second.eventID)
    #expect(first.batchFile != second.batchFile)
    try h.runUntilIdle()
    let artifact = try #require(try h.artifacts()["ord-1"])
    #expect(artifact.lines.map(\.id) == ["e1", first.eventID])
    #expect(artifact.summary.totals.values.first?.balance == 875)
  }
}
