import Glibc
import LedgerDomain
import Testing

@testable import LedgerConsole
import LedgerEngine

@Suite struct AuditTests {
  let draft = CorrectionDraft(
    orderID: "ORD-1", amount: -500, amountText: "-5.00", currency: .usd,
    reason: "fee \"refunded\"", author: "ana")

  func runner(_ backend: FakeBackend, _ log: any AuditLog) -> ConsoleEffectRunner {
    ConsoleEffectRunner(backend: backend, auditLog: log, osUser: "ops", clock: { Fixtures.t0 })
  }

  @Test func aCorrectionIsAuditedBeforeAndAfterWithTheBatchItCreated() {
    let backend = FakeBackend()
    let log = InMemoryAuditLog()
    let event = runner(backend, log).perform(.submitCorrection(draft))
    #expect(event == .correctionFinished(.success("20261127T104500Z_20261127T104501Z.jsonl")))
    #expect(backend.recorded.corrections == [draft])
    let details = [
      "order_id": "ORD-1", "amount": "-5.00", "currency": "USD", "reason": "fee \"refunded\"",
      "author": "ana",
    ]
    #expect(
      log.records == [
        AuditRecord(
          time: Fixtures.t0, osUser: "ops", action: "correction",
          details: details.merging(["outcome": "requested"]) { $1 }, batch: nil),
        AuditRecord(
          time: Fixtures.t0, osUser: "ops", action: "correction",
          details: details.merging(["outcome": "submitted"]) { $1 },
          batch: "20261127T104500Z_20261127T104501Z.jsonl"),
      ])
  }

  @Test func aRetryIsAuditedWithItsOutcome() {
    let backend = FakeBackend(retry: .notRetryable(seq: 2, state: "done"))
    let log = InMemoryAuditLog()
    #expect(
      runner(backend, log).perform(.retry(job: 2))
        == .retryFinished(job: 2, error: .notRetryable(seq: 2, state: "done")))
    #expect(backend.recorded.retries == [2])
    #expect(log.records.map { $0.details["outcome"] } == [
      "requested", "refused: batch #2 is done; only a failed batch can be retried",
    ])
    #expect(log.records.map(\.batch) == ["#2", "#2"])
  }

  @Test func withoutAWritableAuditLogNothingIsDone() {
    let backend = FakeBackend()
    let log = FileAuditLog(path: "/nonexistent-dir/audit.jsonl")
    let event = runner(backend, log).perform(.retry(job: 2))
    #expect(
      event
        == .retryFinished(
          job: 2,
          error: .auditLogUnavailable(
            detail:
              "could not append to the audit log /nonexistent-dir/audit.jsonl: No such file or directory; check the file's directory, permissions and disk space",
            actionTaken: false)))
    #expect(
      ConsoleActionError.auditLogUnavailable(detail: "d", actionTaken: false).description
        == "nothing was done because the audit log could not be written: d")
    #expect(backend.recorded.retries == [])
  }

  @Test func lookupsAreNotAudited() {
    let backend = FakeBackend(lookup: .notFound("X"))
    let log = InMemoryAuditLog()
    #expect(runner(backend, log).perform(.lookup(orderID: "X")) == .lookupFinished(orderID: "X", .notFound("X")))
    #expect(runner(backend, log).perform(.quit) == nil)
    #expect(log.records.isEmpty)
  }

  @Test func fileAuditLogAppendsOneJSONLinePerRecord() throws {
    let path = "/tmp/ledgerline-audit-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).jsonl"
    defer { unlink(path) }
    let log = FileAuditLog(path: path)
    let record = AuditRecord(
      time: Fixtures.t0, osUser: "ops", action: "correction",
      details: ["reason": "a \"b\"\nc", "amount": "-5.00"], batch: "x.jsonl")
    #expect((try? log.append(record).get()) != nil)
    #expect((try? log.append(AuditRecord(time: 0, osUser: "ops", action: "retry", details: [:], batch: nil)).get()) != nil)
    let text = try SystemFile.read(path).get()
    #expect(
      text == """
        {"time":"2026-11-27T10:45:00Z","os_user":"ops","action":"correction","details":{"amount":"-5.00","reason":"a \\"b\\"\\nc"},"batch":"x.jsonl"}
        {"time":"1970-01-01T00:00:00Z","os_user":"ops","action":"retry","details":{},"batch":null}

        """)
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
  }

  @Test func theOSUserIsKnown() {
    #expect(!FileAuditLog.currentOSUser().isEmpty)
  }
}
