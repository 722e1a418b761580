import LedgerDomain
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
    // The second writes nothing: it names the batch that already carries it.
    #expect(!first.alreadySubmitted && second.alreadySubmitted)
    #expect(first.batchFile == second.batchFile)
    try h.runUntilIdle()
    let third = try actions.submitCorrection(request).get()
    #expect(third.alreadySubmitted && third.batchFile == first.batchFile, "registered, then found in the archive")
    try h.runUntilIdle()
    let artifact = try #require(try h.artifacts()["ord-1"])
    #expect(artifact.lines.map(\.id) == ["e1", first.eventID])
    #expect(artifact.summary.totals.values.first?.balance == 875)
    #expect(try h.context().ledger.refusals(limit: 10).isEmpty)
  }

  /// An idempotency key used again for another correction would be dropped as a duplicate id:
  /// it is refused, naming the correction that holds the key.
  @Test func aKeyUsedAgainForAnotherCorrectionIsRefused() throws {
    let h = try EngineHarness()
    let actions = OperatorActions(
      context: try h.context(), auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    var keyed = request
    keyed.key = "ticket-7"
    let first = try actions.submitCorrection(keyed).get()
    var amended = keyed
    amended.amount = "-2.00"
    guard case .failure(.invalidCorrection(let message)) = actions.submitCorrection(amended) else {
      Issue.record("a second correction under key ticket-7 was accepted")
      return
    }
    #expect(
      message
        == "correction refused: its id corr-ticket-7 was already used by the correction batch \(first.batchFile) (order ord-1, \(keyed.amount) USD), which a second correction under the same id would not change; pass another --key for a different correction; nothing was submitted"
    )
    amended.key = "ticket-8"
    #expect(try !actions.submitCorrection(amended).get().alreadySubmitted)
  }

  /// Corrections follow each other without gaps: each interval starts where the previous one
  /// ended, and none reaches past the second after now.
  @Test func correctionIntervalsFollowEachOtherWithoutGapsAndNeverClaimTheFuture() throws {
    let h = try EngineHarness()
    let clock = h.clock
    clock.advance(byMillis: 500 - clock.nowMillis() % 1000)
    let actions = OperatorActions(
      context: try h.context(), auditLog: InMemoryAuditLog(), osUser: "ops", via: "test")
    var names: [String] = []
    for (n, advance) in [0, 0, 0, 90_000].enumerated() {
      clock.advance(byMillis: Int64(advance))
      var r = request
      r.key = "k\(n)"
      let submission = try actions.submitCorrection(r).get()
      let name = try #require(submission.batchFile.split(separator: "/").last.map(String.init))
      let batch = try BatchFileName.parse(name).get()
      #expect(batch.to.secondsSinceEpoch <= clock.nowMillis() / 1000 + 1, "\(name) claims the future")
      names.append(name)
    }
    let intervals = try names.map { try BatchFileName.parse($0).get() }
    for (a, b) in zip(intervals, intervals.dropFirst()) {
      #expect(a.to == b.from, "\(names)")
    }
    try h.runUntilIdle()
    #expect(try h.context().ledger.refusals(limit: 10).isEmpty)
  }
}
