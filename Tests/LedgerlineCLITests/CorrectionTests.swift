import Foundation
import Testing

extension CLISuite {
  /// SPEC §1 and §6: an accountant submits a correction and sees its effect; every correction
  /// is audited with the OS user; an invalid one is refused as ingest would refuse it.
  @Suite struct CorrectionTests {
    static let order = "ord-00000001"

    @Test func correctionBecomesALineOfTheArtifactWithTheNewBalanceAndIsAudited() throws {
      let fixture = try ProcessedData("correct")
      let before = try fixture.lookup(Self.order)
      let submit = try fixture.binary.run([
        "correct", "--data", fixture.data, "--order", Self.order, "--amount=-1.25", "--currency", "USD",
        "--reason", "duplicate fee", "--author", "ann", "--json",
      ])
      try #require(submit.exited(0), "\(submit.summary)")
      #expect(submit.stderr == "", "an order with an artifact needs no note")
      let submission = try JSONLine(submit.stdout, command: submit.command)
      #expect(submission.keys == ["already_submitted", "batch_file", "event_id"])
      #expect(try submission.bool("already_submitted") == false)
      let batchFile = try submission.string("batch_file")
      let eventID = try submission.string("event_id")
      #expect(batchFile.hasPrefix("corrections/") && batchFile.hasSuffix(".jsonl"))

      let run = try fixture.binary.run(["run", "--data", fixture.data, "--until-idle"])
      #expect(run.exited(0), "\(run.summary)")
      #expect(run.stdout == "idle: 1 batch done in this run (2 done in the store)\n")
      let after = try fixture.lookup(Self.order)
      try expectCorrected(after, before: before, eventID: eventID, batchFile: batchFile)
      try expectAudited(fixture, eventID: eventID, batchFile: batchFile)
    }

    /// A correction to an order with no artifact opens one (it may rightly come first); a typo
    /// in the order id would too, so the command says so, and still submits.
    @Test func aCorrectionToAnOrderWithoutAnArtifactSaysItOpensOne() throws {
      let fixture = try ProcessedData("correct-new-order")
      let submit = try fixture.binary.run([
        "correct", "--data", fixture.data, "--order", "ord-0000001", "--amount=-1.25", "--currency", "USD",
        "--reason", "typo", "--author", "ann",
      ])
      #expect(submit.exited(0), "\(submit.summary)")
      #expect(submit.stdout.hasPrefix("submitted correction "), "\(submit.stdout)")
      #expect(
        submit.stderr
          == "note: no artifact for order ord-0000001 is indexed yet (not yet indexed, or no accepted line has this order_id): this correction opens one; check the order id if that is not what you meant\n"
      )
    }

    private func expectCorrected(_ after: JSONLine, before: JSONLine, eventID: String, batchFile: String) throws {
      #expect(try after.int("version") == 2)
      #expect(try after.int("line_count") == (try before.int("line_count")) + 1)
      let beforeLines = try before.children("lines").map { try $0.string("id") }
      let afterLines = try after.children("lines")
      #expect(try afterLines.dropLast().map { try $0.string("id") } == beforeLines)
      let correction = try #require(afterLines.last)
      #expect(try correction.string("id") == eventID)
      #expect(try correction.string("kind") == "correction")
      #expect(try correction.string("amount") == "-1.25")
      #expect(try correction.string("currency") == "USD")
      #expect(try correction.string("reason") == "duplicate fee")
      #expect(try correction.string("author") == "ann")
      let origin = try correction.child("origin")
      #expect(try origin.string("source") == "corrections")
      #expect(try origin.string("file") == String(batchFile.dropFirst("corrections/".count)))
      #expect(try origin.int("line") == 1)
      var balance = try before.strings("balance")
      var credits = try before.strings("credits")
      let oldBalance = try #require(MinorUnits(balance["USD"] ?? "0.00"))
      let oldCredits = try #require(MinorUnits(credits["USD"] ?? "0.00"))
      balance["USD"] = MinorUnits(value: oldBalance.value - 125, digits: 2).text
      credits["USD"] = MinorUnits(value: oldCredits.value - 125, digits: 2).text
      #expect(try after.strings("balance") == balance)
      #expect(try after.strings("credits") == credits)
      #expect(try after.strings("debits") == (try before.strings("debits")))
      #expect(try after.string("status") == (try ExpectedTotals(lines: afterLines).status))
    }

    private func expectAudited(_ fixture: ProcessedData, eventID: String, batchFile: String) throws {
      let text = try String(contentsOfFile: "\(fixture.data)/audit.log", encoding: .utf8)
      let records = try text.split(separator: "\n").map { try JSONLine(String($0), command: "audit.log") }
      // The intent is recorded before the correction is written, the outcome after.
      try #require(records.count == 2, "audit.log: \(text)")
      #expect(try records[0].child("details").string("outcome") == "requested")
      #expect(try records[1].child("details").string("outcome") == "submitted")
      #expect(try records[0].child("details").string("event_id") == eventID)
      let record = records[1]
      #expect(try record.string("action") == "correction")
      #expect(try record.string("os_user") == Self.osUser)
      #expect(try record.string("host") == ProcessInfo.processInfo.hostName)
      let details = try record.child("details")
      #expect(try details.string("order_id") == Self.order)
      #expect(try details.string("amount") == "-1.25")
      #expect(try details.string("currency") == "USD")
      #expect(try details.string("reason") == "duplicate fee")
      #expect(try details.string("author") == "ann")
      #expect(try details.string("event_id") == eventID)
      #expect(try record.string("batch") == batchFile)
    }

    static var osUser: String {
      if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
      return "uid:\(geteuid())"
    }

    /// An invalid correction and the ingest reason it is refused with.
    struct Refusal: Sendable, CustomTestStringConvertible {
      var amount: String
      var currency: String
      var reason: String
      var testDescription: String { "\(amount) \(currency)" }
    }

    static let refusals = [
      Refusal(
        amount: "1.005", currency: "USD",
        reason: "amount \"1.005\" has more than the 2 minor-unit digits of USD (rule too-many-amount-digits)"),
      Refusal(
        amount: "1.5", currency: "JPY",
        reason: "amount \"1.5\" has more than the 0 minor-unit digits of JPY (rule too-many-amount-digits)"),
      Refusal(
        amount: "1e3", currency: "USD",
        reason:
          "amount \"1e3\" is not an exact decimal number: digits with an optional leading minus and one decimal point, like -12.50 (no plus sign, comma, exponent or currency symbol) (rule malformed-amount)"
      ),
      Refusal(
        amount: "12.50", currency: "usd",
        reason: "currency \"usd\" is not an ISO 4217 alphabetic code (rule unknown-currency)"),
    ]

    @Test(arguments: refusals)
    func invalidCorrectionIsRefusedWithTheIngestReasonAndWritesNothing(_ refusal: Refusal) throws {
      let fixture = try ProcessedData("correct-refused")
      let result = try fixture.binary.run([
        "correct", "--data", fixture.data, "--order", Self.order, "--amount", refusal.amount,
        "--currency", refusal.currency, "--reason", "r", "--author", "ann",
      ])
      #expect(result.exited(1), "\(result.summary)")
      #expect(result.stdout == "")
      #expect(result.stderr == "error: correction refused: \(refusal.reason); nothing was submitted\n")
      #expect(ScratchDirectory.visibleFiles(in: "\(fixture.data)/inbox/corrections") == [])
      #expect(!FileManager.default.fileExists(atPath: "\(fixture.data)/audit.log"))
      let status = try fixture.binary.run(["status", "--data", fixture.data, "--json"])
      #expect(try JSONLine(status.stdout, command: status.command).children("batches").count == 1)
    }

    @Test
    func negativeAmountIsAcceptedAsTheNextArgument() throws {
      let fixture = try ProcessedData("correct-negative")
      let result = try fixture.binary.run([
        "correct", "--data", fixture.data, "--order", Self.order, "--amount", "-1.25", "--currency", "USD",
        "--reason", "duplicate fee", "--author", "ann",
      ])
      #expect(result.exited(0), "\(result.summary)")
      #expect(result.stdout.hasPrefix("submitted correction corr-"))
      #expect(ScratchDirectory.visibleFiles(in: "\(fixture.data)/inbox/corrections").count == 1)
    }
  }
}
