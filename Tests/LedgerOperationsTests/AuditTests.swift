import Foundation
import Glibc
import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations

/// Retries and corrections: validated first, audited before (intent) and after (outcome),
/// whichever surface asks.
@Suite struct AuditTests {
  let directory: TemporaryDirectory
  let workspace: Workspace
  let clock = ManualClock(startMillis: 1_795_000_000_000)
  let log = InMemoryAuditLog()

  init() throws {
    directory = try TemporaryDirectory()
    workspace = try Workspace(root: directory.file("data"), mode: .engine, clock: clock)
  }

  var context: EngineContext { workspace.context }

  func actions(_ log: any AuditLog) -> OperatorActions {
    OperatorActions(context: context, auditLog: log, osUser: "ops", via: "test")
  }

  let request = CorrectionRequest(
    orderID: "ORD-1", amount: "-5.00", currency: "USD", reason: "fee \"refunded\"", author: "ana")

  /// A job whose reduce failed for good.
  func failedJob() throws -> UInt64 {
    let input = try context.ledger.register(
      [
        NewInputBatch(
          source: "shop", name: "20261127T100000Z_20261127T100100Z.jsonl", from: 1_795_000_000,
          to: 1_795_000_060, bytes: 0, archivePath: "archive/shop/x.jsonl", scan: 1)
      ], at: clock.nowMillis())
    let job = try context.ledger.createJob(
      inputs: input.map(\.id), partitions: context.partitions, at: clock.nowMillis())
    let attempt = try context.ledger.beginTask(.reduce(job.seq), at: clock.nowMillis())
    try context.ledger.failTask(
      .reduce(job.seq), attempt: attempt, kind: .corruptData, message: "boom", nextAttemptAt: nil,
      at: clock.nowMillis())
    return job.seq
  }

  @Test func aCorrectionIsAuditedBeforeAndAfterWithTheBatchItCreated() throws {
    let submission = try actions(log).submitCorrection(request).get()
    #expect(submission.batchFile == "corrections/20261118T110640Z_20261118T110641Z.jsonl")
    #expect(FileSystem.exists("\(context.paths.inbox)/\(submission.batchFile)"))
    let details = [
      "order_id": "ORD-1", "amount": "-5.00", "currency": "USD", "reason": "fee \"refunded\"",
      "author": "ana", "event_id": submission.eventID, "via": "test",
    ]
    #expect(
      log.records == [
        AuditRecord(
          time: 1_795_000_000, osUser: "ops", action: "correction",
          details: details.merging(["outcome": "requested"]) { $1 }, batch: nil),
        AuditRecord(
          time: 1_795_000_000, osUser: "ops", action: "correction",
          details: details.merging(["outcome": "submitted"]) { $1 }, batch: submission.batchFile),
      ])
  }

  @Test func anInvalidCorrectionIsNeitherWrittenNorAudited() throws {
    var bad = request
    bad.amount = "-5.001"
    guard case .failure(.invalidCorrection(let message)) = actions(log).submitCorrection(bad) else {
      Issue.record("an amount with three decimals in USD was accepted")
      return
    }
    #expect(message.hasPrefix("correction refused: "))
    #expect(log.records.isEmpty)
    #expect(try FileSystem.listIfPresent("\(context.paths.inbox)/corrections").isEmpty)
  }

  @Test func aRetryIsAuditedWithItsOutcomeAndRequeuesTheBatch() throws {
    let seq = try failedJob()
    let before = try actions(log).retry(job: seq).get()
    #expect(before.status == .failed)
    #expect(try context.ledger.job(seq)?.status == .pending)
    #expect(log.records.map { $0.details["outcome"] } == ["requested", "queued"])
    #expect(log.records.map(\.batch) == [String(seq), String(seq)])
    #expect(log.records.first?.details["previous_error"] == "boom")
  }

  @Test func aBatchThatIsNotFailedIsRefusedBeforeAnythingIsAudited() throws {
    let seq = try failedJob()
    _ = try actions(log).retry(job: seq).get()
    let again = actions(log).retry(job: seq)
    #expect(again == .failure(.notRetryable(job: seq, status: "pending", stage: "reduce")))
    #expect(actions(log).retry(job: 99) == .failure(.unknownJob(99)))
    #expect(log.records.count == 2)  // only the first, successful retry
  }

  @Test func withoutAWritableAuditLogNothingIsDone() throws {
    let seq = try failedJob()
    let broken = FileAuditLog(path: directory.file("missing-dir/audit.log"))
    let result = actions(broken).retry(job: seq)
    #expect(
      result
        == .failure(
          .auditUnavailable(
            detail:
              "could not append to the audit log \(directory.file("missing-dir/audit.log")): No such file or directory; check the file's directory, permissions and disk space",
            actionTaken: false)))
    #expect(try context.ledger.job(seq)?.status == .failed)
    guard case .failure(.auditUnavailable(_, false)) = actions(broken).submitCorrection(request) else {
      Issue.record("a correction went ahead without its audit record")
      return
    }
    #expect(try FileSystem.listIfPresent("\(context.paths.inbox)/corrections").isEmpty)
  }

  @Test func fileAuditLogAppendsOneJSONLinePerRecordPrivately() throws {
    let path = directory.file("audit.log")
    let log = FileAuditLog(path: path)
    let record = AuditRecord(
      time: 1_795_000_000, osUser: "ops", action: "correction",
      details: ["reason": "a \"b\"\nc", "amount": "-5.00"], batch: "x.jsonl")
    #expect((try? log.append(record).get()) != nil)
    #expect(
      (try? log.append(AuditRecord(time: 0, osUser: "ops", action: "retry", details: [:], batch: nil)).get())
        != nil)
    #expect(
      try FileSystem.readText(path) == """
        {"action":"correction","batch":"x.jsonl","details":{"amount":"-5.00","reason":"a \\"b\\"\\nc"},"host":"\(ProcessIdentity.host)","os_user":"ops","time":"2026-11-18T11:06:40Z"}
        {"action":"retry","batch":null,"details":{},"host":"\(ProcessIdentity.host)","os_user":"ops","time":"1970-01-01T00:00:00Z"}

        """)
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
  }

  @Test func theOSUserIsThePasswordEntryThenTheLoginThenTheUID() {
    #expect(ProcessIdentity.osUser(uid: 7, passwordName: { _ in "ann" }, loginName: { "bob" }) == "ann")
    #expect(ProcessIdentity.osUser(uid: 7, passwordName: { _ in nil }, loginName: { "bob" }) == "bob")
    #expect(ProcessIdentity.osUser(uid: 7, passwordName: { _ in nil }, loginName: { nil }) == "uid 7")
  }

  @Test func theOSUserMatchesWhatIdReports() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/id")
    process.arguments = ["-un"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let expected = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(!expected.isEmpty)
    #expect(FileAuditLog.currentOSUser() == expected)
  }
}
