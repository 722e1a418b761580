import LedgerDomain
import Synchronization

@testable import LedgerConsole

/// Shared test data: a snapshot at 2026-11-27T10:45:00Z with four jobs in every state.
enum Fixtures {
  /// 2026-11-27T10:45:00Z.
  static let t0: Int64 = 1_795_776_300

  static let doneJob = {
    var job = JobRow(
      seq: 1, inputs: ["web/20261127T100000Z_20261127T101500Z.jsonl"],
      stages: [.done, .done, .done, .done], events: 1200, keys: 300, rejects: 2, duplicates: 1,
      timings: [.milliseconds(340), .milliseconds(1250), .seconds(2), .seconds(125)], attempts: 4,
      state: .done)
    job.applied = 1199
    return job
  }()
  static let failedJob = JobRow(
    seq: 2, inputs: ["web/20261127T101500Z_20261127T103000Z.jsonl", "pos/20261127T101500Z_20261127T103000Z.csv"],
    stages: [.done, .done, .failed(error: "part file checksum mismatch"), .pending],
    events: 50, keys: 20, rejects: 0, duplicates: 0, timings: [.milliseconds(20), .milliseconds(30), nil, nil],
    attempts: 3, lastError: "part file checksum mismatch", state: .failed)
  static let retryingJob = JobRow(
    seq: 3, inputs: ["web/20261127T103000Z_20261127T104500Z.jsonl"],
    stages: [.done, .retrying(attempt: 2, of: 5, retryAt: t0 + 9), .pending, .pending],
    attempts: 2, lastError: "cache timeout", state: .retrying)
  static let runningJob = JobRow(
    seq: 4, inputs: ["corrections/20261127T104400Z_20261127T104401Z.jsonl"],
    stages: [.running(progress: 0.456), .pending, .pending, .pending], state: .running)

  static let snapshot = ConsoleSnapshot(
    dataDirectory: "/data/ll", engineState: "running", takenAt: t0, throughput: 1234, backlog: 7,
    backlogHistory: [0, 1, 2, 3, 4, 5, 6, 7],
    completeness: [
      SourceCompleteness(source: "web", watermark: "2026-11-27T10:30:00Z"),
      SourceCompleteness(source: "pos", watermark: nil, gaps: ["10:15-10:30 missing"]),
    ],
    jobs: [doneJob, failedJob, retryingJob, runningJob],
    feed: [
      FeedItem(time: t0 - 5, kind: .retry, text: "batch #3 prefetch: cache timeout, retry 2/5 in 9s"),
      FeedItem(time: t0 - 2, kind: .failure, text: "batch #2 process: part file checksum mismatch"),
    ])

  static let usd = Currency.usd
  static let jpy = Currency(code: "JPY", minorUnits: 0)

  static func event(
    _ id: String, _ kind: EventKind, _ amount: Int64, _ currency: Currency = usd, line: Int,
    reason: String? = nil, author: String? = nil
  ) -> Event {
    Event(
      id: id, orderID: "ORD-1", kind: kind, amount: amount, currency: currency,
      ts: "2026-11-27T10:01:00Z", reason: reason, author: author,
      origin: EventOrigin(source: "web", file: "a.jsonl", line: line))
  }

  static let artifact = ArtifactDetail(
    summary: ArtifactSummary(
      orderID: "ORD-1", version: 12, lineCount: 3,
      totals: [
        usd: CurrencyTotals(balance: 0, debits: 1250, credits: -1250),
        jpy: CurrencyTotals(balance: 500, debits: 500, credits: 0),
      ]),
    lines: [
      event("e1", .charge, 1250, line: 1),
      event("e2", .payment, -1250, line: 2),
      event("e3", .correction, 500, jpy, line: 3, reason: "late fee waived", author: "ana"),
    ],
    location: "parts/000012.part@4096+812", version: 12)

  /// A state at t0, 100×30, with the snapshot loaded.
  static func state(readOnly: Bool = false, rows: Int = 30, columns: Int = 120) -> ConsoleState {
    var state = ConsoleState(
      readOnly: readOnly, themeNames: ["default", "light", "monochrome"], rows: rows,
      columns: columns, now: t0)
    _ = state.on(.snapshot(snapshot))
    return state
  }
}

/// A backend that answers from fixed values and records what it was asked; only ORD-1 exists.
final class FakeBackend: ConsoleBackend {
  struct Calls: Sendable, Equatable {
    var lookups: [String] = []
    var corrections: [CorrectionDraft] = []
    var retries: [UInt64] = []
    var quarantines: [String] = []
  }

  private let calls = Mutex(Calls())
  let lookupAnswer: ArtifactLookup
  let correctionAnswer: Result<String, ConsoleActionError>
  let retryAnswer: ConsoleActionError?

  init(
    lookup: ArtifactLookup = .found(Fixtures.artifact),
    correction: Result<String, ConsoleActionError> = .success("20261127T104500Z_20261127T104501Z.jsonl"),
    retry: ConsoleActionError? = nil
  ) {
    lookupAnswer = lookup
    correctionAnswer = correction
    retryAnswer = retry
  }

  var recorded: Calls { calls.withLock { $0 } }

  func snapshot() -> ConsoleSnapshot { Fixtures.snapshot }

  func lookup(orderID: String) -> ArtifactLookup {
    calls.withLock { $0.lookups.append(orderID) }
    return orderID == Fixtures.artifact.summary.orderID ? lookupAnswer : .notFound(orderID)
  }

  func submitCorrection(_ correction: CorrectionDraft) -> Result<String, ConsoleActionError> {
    calls.withLock { $0.corrections.append(correction) }
    return correctionAnswer
  }

  func retry(job: UInt64) -> Result<Void, ConsoleActionError> {
    calls.withLock { $0.retries.append(job) }
    return retryAnswer.map { .failure($0) } ?? .success(())
  }

  func rejects(job: UInt64) -> Result<[RejectedLine], ConsoleActionError> {
    .success([
      RejectedLine(
        file: "web/a.jsonl", line: 7, rule: "malformed-amount", reason: "amount \"1e3\" is not an exact decimal number",
        excerpt: "{\"id\":\"x\",\"amount\":1e3}")
    ])
  }

  func quarantine(job: UInt64, input: String) -> Result<Void, ConsoleActionError> {
    calls.withLock { $0.quarantines.append("#\(job) \(input)") }
    return .success(())
  }
}

extension ConsoleState {
  /// Feeds each key; returns all effects.
  mutating func press(_ keys: ConsoleKey...) -> [ConsoleEffect] {
    keys.flatMap { on(.key($0)) }
  }

  /// Types `text` character by character.
  mutating func type(_ text: String) -> [ConsoleEffect] {
    text.flatMap { on(.key(.character($0))) }
  }
}
