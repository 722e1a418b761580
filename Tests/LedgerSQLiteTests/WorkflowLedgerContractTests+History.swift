import LedgerStorage
import LedgerTesting
import Testing

/// The `WorkflowLedger` contract, continued: stage-run history, source intervals, refusals, the
/// operator feed and compaction records.
extension WorkflowLedgerContractTests {
  /// An interval list as text: "from-to" and " done" when its job is done.
  static func render(_ intervals: [(from: Int64, to: Int64, done: Bool)]?) -> [String] {
    (intervals ?? []).map { "\($0.from)-\($0.to)\($0.done ? " done" : "")" }
  }

  static func refusal(_ n: Int) -> RefusedFileRecord {
    RefusedFileRecord(
      source: "web", name: "bad-\(n).jsonl", reason: "reason \(n)", path: "refused/web/bad-\(n).jsonl",
      at: Int64(100 * n))
  }

  @Test(arguments: Backend.available)
  func stageRunsKeepEveryAttemptOfOneJobInOrder(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 2, jobs: 2)
    _ = try ledger.beginStage(.reduce, job: 1, at: 100)
    _ = try ledger.beginStage(.reduce, job: 2, at: 105)
    try ledger.failStage(.reduce, job: 1, kind: .injected, message: "injected", nextAttemptAt: 150, at: 110)
    _ = try ledger.beginStage(.reduce, job: 1, at: 150)
    try ledger.completeStage(.reduce, job: 1, counts: JobCounts(), at: 160)
    #expect(
      try ledger.stageRuns(job: 1) == [
        Self.run(1, .reduce, attempt: 1, 100, 110, outcome: "injected", error: "injected", next: 150),
        Self.run(1, .reduce, attempt: 2, 150, 160, outcome: "ok"),
      ])
    #expect(try ledger.stageRuns(job: 2) == [Self.run(2, .reduce, attempt: 1, 105)])
    #expect(try ledger.stageRuns(job: 3) == [])
    // Several jobs in one read: the same runs, by job; jobs without runs (or unknown) are absent.
    #expect(
      try ledger.stageRuns(jobs: [3, 2, 1]) == [1: try ledger.stageRuns(job: 1), 2: try ledger.stageRuns(job: 2)])
    #expect(try ledger.stageRuns(jobs: [2]) == [2: try ledger.stageRuns(job: 2)])
    #expect(try ledger.stageRuns(jobs: []) == [:])
  }

  /// Completing or failing a stage is refused unless the job is running that stage: a done job
  /// never becomes failed, and an outcome for another stage or no job changes nothing.
  @Test(arguments: Backend.available)
  func outcomesAreRefusedUnlessTheJobRunsThatStage(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 1, jobs: 1)
    #expect(throws: LedgerError.self) {
      try ledger.completeStage(.reduce, job: 1, counts: Self.counts { $0.events = 4 }, at: 100)
    }
    _ = try ledger.beginStage(.reduce, job: 1, at: 100)
    #expect(throws: LedgerError.self) {
      try ledger.failStage(.prefetch, job: 1, kind: .transientIO, message: "eio", nextAttemptAt: 300, at: 200)
    }
    try Self.finishRemaining(ledger, job: 1)
    #expect(try ledger.job(1)?.status == .done)
    #expect(throws: LedgerError.self) {
      try ledger.failStage(.index, job: 1, kind: .internalError, message: "late", nextAttemptAt: nil, at: 900)
    }
    let job = try #require(try ledger.job(1))
    #expect(job.status == .done && job.lastError == nil)
    #expect(try ledger.stageRuns(job: 1).allSatisfy { $0.outcome == "ok" })
    #expect(throws: LedgerError.self) { try ledger.completeStage(.reduce, job: 42, counts: JobCounts(), at: 400) }
    #expect(try ledger.job(42) == nil)
  }

  @Test(arguments: Backend.available)
  func sourceIntervalsListEveryIntervalByStartWithWhetherItsJobIsDone(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    #expect(try ledger.sourceIntervals().isEmpty)
    _ = try ledger.register(
      [
        Self.batch("web", "c.jsonl", from: 120, to: 180), Self.batch("web", "a.jsonl", from: 0, to: 60),
        Self.batch("shop", "a.jsonl", from: 0, to: 60), Self.batch("web", "b.jsonl", from: 60, to: 120),
        Self.batch("shop", "b.jsonl", from: 60, to: 90),
      ], at: 10)
    _ = try ledger.createJob(inputs: [2, 5], at: 20)
    try Self.finish(ledger, job: 1)
    _ = try ledger.createJob(inputs: [3], at: 30)
    _ = try ledger.createJob(inputs: [1], at: 40)
    _ = try ledger.beginStage(.reduce, job: 3, at: 50)
    try ledger.failStage(.reduce, job: 3, kind: .corruptData, message: "crc", nextAttemptAt: nil, at: 60)
    let intervals = try ledger.sourceIntervals()
    #expect(intervals.keys.sorted() == ["shop", "web"])
    #expect(Self.render(intervals["web"]) == ["0-60 done", "60-120", "120-180"])
    #expect(Self.render(intervals["shop"]) == ["0-60", "60-90 done"])
  }

  @Test(arguments: Backend.available)
  func refusalsAreTheNewestWithinTheLimitOldestFirst(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    #expect(try ledger.refusals(limit: 10) == [])
    let all = (1...3).map(Self.refusal)
    for refusal in all { try ledger.recordRefusal(refusal) }
    #expect(try ledger.refusals(limit: 2) == [all[1], all[2]])
    #expect(try ledger.refusals(limit: 3) == all)
    #expect(try ledger.refusals(limit: 10) == all)
    #expect(try ledger.refusals(limit: 0) == [])
    // A negative limit is SQLite's `LIMIT -1`: no limit.
    #expect(try ledger.refusals(limit: -1) == all)
  }

  @Test(arguments: Backend.available)
  func recentEventsAreTheNewestWithinTheLimitOldestFirst(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    #expect(try ledger.recentEvents(limit: 5) == [])
    let all = LedgerEvent.Kind.allCases.enumerated().map { n, kind in
      LedgerEvent(at: Int64(1_000 - n), kind: kind, job: n % 2 == 0 ? nil : UInt64(n), text: "event \(n) é")
    }
    for event in all { try ledger.appendEvent(event) }
    #expect(try ledger.recentEvents(limit: 3) == Array(all.suffix(3)))
    #expect(try ledger.recentEvents(limit: 100) == all)
    #expect(try ledger.recentEvents(limit: 0) == [])
    #expect(try ledger.recentEvents(limit: -1) == all)
  }

  @Test(arguments: Backend.available)
  func theLastCompactionIsTheOneRecordedLast(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    #expect(try ledger.lastCompaction() == nil)
    let first = CompactionRecord(
      at: 2_000, liveBytes: 10, totalBytesBefore: 100, totalBytesAfter: 40, deletedParts: 2, rewrittenParts: 1)
    let second = CompactionRecord(
      at: 1_000, liveBytes: 11, totalBytesBefore: 40, totalBytesAfter: 35, deletedParts: 0, rewrittenParts: 3)
    try ledger.recordCompaction(first)
    #expect(try ledger.lastCompaction() == first)
    try ledger.recordCompaction(second)
    #expect(try ledger.lastCompaction() == second)
  }
}
