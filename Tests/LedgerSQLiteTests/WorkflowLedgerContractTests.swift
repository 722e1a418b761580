import LedgerStorage
import LedgerTesting
import Testing

/// The `WorkflowLedger` contract: every assertion runs against `SQLiteWorkflowLedger`,
/// `InMemoryWorkflowLedger` and `PostgresWorkflowLedger` (when a PostgreSQL server is configured:
/// `Backend.available`). Input batches, jobs and their stage transitions here; history,
/// feed and compaction records in `WorkflowLedgerContractTests+History.swift`.
@Suite struct WorkflowLedgerContractTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  static func batch(
    _ source: String, _ name: String, from: Int64, to: Int64, scan: Int64 = 1
  ) -> NewInputBatch {
    NewInputBatch(
      source: source, name: name, from: from, to: to, bytes: 10 * (to - from) + 7,
      archivePath: "archive/\(source)/\(name)", scan: scan)
  }

  static func counts(_ fill: (inout JobCounts) -> Void) -> JobCounts {
    var counts = JobCounts()
    fill(&counts)
    return counts
  }

  static func run(
    _ job: UInt64, _ stage: Stage, attempt: Int, _ startedAt: Int64, _ endedAt: Int64? = nil,
    outcome: String? = nil, error: String? = nil, next: Int64? = nil
  ) -> StageRunRecord {
    StageRunRecord(
      job: job, stage: stage, partition: stage == .reduce ? nil : 0, range: stage == .reduce ? 0 : nil,
      attempt: attempt, startedAt: startedAt,
      endedAt: endedAt, outcome: outcome,
      error: error, nextAttemptAt: next)
  }

  /// A ledger with `batches` one-minute batches of source "web", and `jobs` jobs of one each.
  static func ledger(_ backend: Backend, in directory: TemporaryDirectory, batches: Int, jobs: Int) throws
    -> any WorkflowLedger
  {
    let ledger = try backend.workflowLedger(in: directory)
    let minutes = (0..<batches).map { n in
      batch("web", "b\(n).jsonl", from: Int64(n) * 60, to: Int64(n + 1) * 60)
    }
    _ = try ledger.register(minutes, at: 10)
    for n in 0..<jobs { _ = try ledger.createJob(inputs: [Int64(n + 1)], at: 50) }
    return ledger
  }

  /// Completes the running stage of `job`, then runs every later stage to success.
  static func finishRemaining(_ ledger: any WorkflowLedger, job: UInt64, at: Int64 = 1_000) throws {
    guard let record = try ledger.job(job) else { return }
    try ledger.completeStage(record.stage, job: job, counts: JobCounts(), at: at)
    var stage = record.stage.next
    var time = at + 10
    while let current = stage {
      _ = try ledger.beginStage(current, job: job, at: time)
      try ledger.completeStage(current, job: job, counts: JobCounts(), at: time + 5)
      stage = current.next
      time += 10
    }
  }

  /// Runs every stage of `job` to success, each attempt 10 ms long from `at`.
  static func finish(_ ledger: any WorkflowLedger, job: UInt64, at: Int64 = 1_000) throws {
    for (n, stage) in Stage.allCases.enumerated() {
      _ = try ledger.beginStage(stage, job: job, at: at + Int64(n) * 20)
      try ledger.completeStage(stage, job: job, counts: JobCounts(), at: at + Int64(n) * 20 + 10)
    }
  }

  // MARK: Input batches

  @Test(arguments: Backend.available)
  func aQuarantinedInputLeavesItsFailedJobUntilReleased(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 3, jobs: 0)
    let job = try ledger.createJob(inputs: [1, 2], at: 50)
    #expect(throws: LedgerError.self) { try ledger.quarantine(input: 1, job: job.seq, at: 60) }  // pending
    _ = try ledger.beginStage(.reduce, job: job.seq, at: 60)
    try ledger.failStage(.reduce, job: job.seq, kind: .corruptData, message: "bad", nextAttemptAt: nil, at: 70)
    #expect(throws: LedgerError.self) { try ledger.quarantine(input: 3, job: job.seq, at: 80) }  // not its input
    try ledger.quarantine(input: 2, job: job.seq, at: 80)
    let after = try #require(try ledger.job(job.seq))
    #expect(after.inputs == [1])
    #expect(after.stage == .reduce && after.status == .pending && after.nextAttemptAt == nil)
    #expect(try ledger.quarantinedInputBatches().map(\.id) == [2])
    #expect(try ledger.quarantinedInputBatches().first?.quarantinedAt == 80)
    #expect(try ledger.ungroupedInputBatches().map(\.id) == [3])
    #expect(throws: LedgerError.self) { try ledger.createJob(inputs: [2], at: 90) }
    #expect(try ledger.release(input: 2))
    #expect(try !ledger.release(input: 2))
    #expect(try ledger.ungroupedInputBatches().map(\.id) == [2, 3])
    #expect(try ledger.quarantinedInputBatches().isEmpty)
  }

  @Test(arguments: Backend.available)
  func fingerprintsAreKeptAndFoundByDigest(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    var first = Self.batch("web", "a.jsonl", from: 0, to: 60)
    first.sha256 = String(repeating: "ab", count: 32)
    var second = Self.batch("shop", "b.jsonl", from: 0, to: 60)
    second.sha256 = String(repeating: "ab", count: 32)
    let old = Self.batch("web", "c.jsonl", from: 60, to: 120)
    _ = try ledger.register([first, second, old], at: 10)
    #expect(try ledger.inputBatches(source: "web").map(\.batch.sha256) == [first.sha256, nil])
    #expect(try ledger.inputBatch(sha256: String(repeating: "ab", count: 32))?.batch.name == "a.jsonl")
    #expect(try ledger.inputBatch(sha256: String(repeating: "cd", count: 32)) == nil)
  }

  @Test(arguments: Backend.available)
  func registeringAssignsIdsInOrderAndListsBatchesBySource(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    let web1 = Self.batch("web", "b1.jsonl", from: 60, to: 120)
    let shop1 = Self.batch("shop", "b1.jsonl", from: 0, to: 60, scan: 1)
    let web2 = Self.batch("web", "b2.jsonl", from: 120, to: 180)
    let first = try ledger.register([web1, shop1, web2], at: 10)
    #expect(
      first == [
        InputBatchRecord(id: 1, batch: web1, registeredAt: 10, job: nil),
        InputBatchRecord(id: 2, batch: shop1, registeredAt: 10, job: nil),
        InputBatchRecord(id: 3, batch: web2, registeredAt: 10, job: nil),
      ])
    let web0 = Self.batch("web", "b0.jsonl", from: 0, to: 60, scan: 2)
    let later = try ledger.register([web0], at: 20)
    #expect(later == [InputBatchRecord(id: 4, batch: web0, registeredAt: 20, job: nil)])
    #expect(try ledger.register([], at: 30) == [])
    #expect(try ledger.inputBatches(source: "web").map(\.id) == [1, 3, 4])
    #expect(try ledger.inputBatches(source: "shop") == [first[1]])
    #expect(try ledger.inputBatches(source: "Web") == [])
    #expect(try ledger.inputBatches(ids: [3, 99, 1, 3]).map(\.id) == [3, 1, 3])
    #expect(try ledger.inputBatches(ids: []) == [])
    #expect(try ledger.ungroupedInputBatches().map(\.id) == [1, 2, 3, 4])
  }

  @Test(arguments: Backend.available)
  func aRepeatedNameIsRefusedAndRegistersNothing(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    let a = Self.batch("web", "a.jsonl", from: 0, to: 60)
    let b = Self.batch("web", "b.jsonl", from: 60, to: 120)
    _ = try ledger.register([a], at: 10)
    let sameName = Self.batch("web", "a.jsonl", from: 300, to: 360)
    #expect(throws: (any Error).self) { try ledger.register([b, sameName], at: 20) }
    #expect(throws: (any Error).self) { try ledger.register([b, b], at: 20) }
    #expect(try ledger.inputBatches(source: "web").map(\.batch) == [a])
    #expect(try ledger.register([b], at: 30).map(\.id) == [2])
    #expect(try ledger.register([Self.batch("shop", "a.jsonl", from: 0, to: 60)], at: 40).map(\.id) == [3])
  }

  // MARK: Jobs

  @Test(arguments: Backend.available)
  func aJobTakesItsInputsListedInIdOrderAndTheNextSequenceNumber(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 4, jobs: 0)
    let job = try ledger.createJob(inputs: [2, 1], at: 50)
    var expected = JobRecord(
      seq: 1, inputs: [1, 2], stage: .reduce, status: .pending, attempts: 0, nextAttemptAt: nil,
      lastError: nil, lastErrorKind: nil, counts: JobCounts(), timings: [:], createdAt: 50)
    expected.partitions = 1
    #expect(job == expected)
    #expect(try ledger.job(1) == expected)
    #expect(try ledger.ungroupedInputBatches().map(\.id) == [3, 4])
    #expect(try ledger.inputBatches(ids: [1, 2, 3]).map(\.job) == [1, 1, nil])
    #expect(try ledger.createJob(inputs: [4], at: 60).seq == 2)
    let empty = try ledger.createJob(inputs: [], at: 70)
    #expect(empty.seq == 3 && empty.inputs == [] && empty.createdAt == 70)
    #expect(try ledger.job(4) == nil)
    #expect(try ledger.job(0) == nil)
  }

  @Test(arguments: Backend.available)
  func aJobOverAGroupedUnknownOrRepeatedInputIsRefusedAndNothingChanges(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 3, jobs: 1)
    let refused: [([Int64], Int64)] = [([2, 1], 1), ([99], 99), ([2, 2], 2), ([3, 0], 0)]
    for (inputs, culprit) in refused {
      let error = try #require(throws: LedgerError.self) { try ledger.createJob(inputs: inputs, at: 60) }
      #expect(error.description == LedgerError.inputAlreadyGrouped(inputID: culprit).description)
    }
    #expect(try ledger.job(2) == nil)
    #expect(try ledger.ungroupedInputBatches().map(\.id) == [2, 3])
    let next = try ledger.createJob(inputs: [3, 2], at: 70)
    #expect(next.seq == 2 && next.inputs == [2, 3])
  }

  @Test(arguments: Backend.available)
  func unfinishedAndRecentJobsAreInSequenceOrder(backend: Backend) throws {
    let empty = try backend.workflowLedger(in: directory)
    #expect(try empty.unfinishedJobs() == [])
    #expect(try empty.recentJobs(limit: 3) == [])
    let other = try TemporaryDirectory()
    let ledger = try Self.ledger(backend, in: other, batches: 5, jobs: 5)
    try Self.finish(ledger, job: 2)
    try Self.finish(ledger, job: 4)
    #expect(try ledger.unfinishedJobs().map(\.seq) == [1, 3, 5])
    #expect(try ledger.recentJobs(limit: 2).map(\.seq) == [4, 5])
    #expect(try ledger.recentJobs(limit: 5).map(\.seq) == [1, 2, 3, 4, 5])
    #expect(try ledger.recentJobs(limit: 100).map(\.seq) == [1, 2, 3, 4, 5])
    #expect(try ledger.recentJobs(limit: Int.max / 2).map(\.seq) == [1, 2, 3, 4, 5])
    #expect(try ledger.recentJobs(limit: 0) == [])
    #expect(try ledger.recentJobs(limit: -1) == [])
    #expect(try ledger.recentJobs(limit: 2).map(\.status) == [.done, .pending])
    #expect(try ledger.recentJobs(limit: 5).map(\.inputs) == [[1], [2], [3], [4], [5]])
  }

  // MARK: Stage transitions

  @Test(arguments: Backend.available)
  func beginStageNumbersTheAttemptAndRecordsIt(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 1, jobs: 1)
    #expect(try ledger.beginStage(.reduce, job: 1, at: 100) == 1)
    let job = try #require(try ledger.job(1))
    #expect(job.stage == .reduce && job.status == .running && job.attempts == 1 && job.nextAttemptAt == nil)
    #expect(job.totalAttempts == 1)
    #expect(job.timings == [.reduce: StageTiming(startedAt: 100, endedAt: nil)])
    #expect(try ledger.stageRuns(job: 1) == [Self.run(1, .reduce, attempt: 1, 100)])
    let error = try #require(throws: LedgerError.self) { try ledger.beginStage(.reduce, job: 9, at: 110) }
    #expect(error.description == LedgerError.unknownJob(9).description)
    #expect(try ledger.stageRuns(job: 9) == [])
  }

  @Test(arguments: Backend.available)
  /// Reduce's counts replace the job's non-zero fields; a partition's are added to them.
  func completingEachStageMovesTheJobOnAndMergesCounts(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 1, jobs: 1)
    let perStage: [(Stage, JobCounts)] = [
      (
        .reduce,
        Self.counts {
          $0.inputBytes = 900
          $0.events = 5
          $0.rejects = 1
          $0.blankLines = 2
        }
      ),
      (.prefetch, Self.counts { $0.keys = 3 }),
      (
        .process,
        Self.counts {
          $0.linesApplied = 6
          $0.duplicates = 1
        }
      ),
      (
        .index,
        Self.counts {
          $0.artifactsWritten = 3
          $0.bytesWritten = 4_096
        }
      ),
    ]
    for (n, (stage, counts)) in perStage.enumerated() {
      let at = Int64(n + 1) * 100
      #expect(try ledger.beginStage(stage, job: 1, at: at) == 1)
      try ledger.completeStage(stage, job: 1, counts: counts, at: at + 50)
      let job = try #require(try ledger.job(1))
      #expect(job.stage == (stage.next ?? .index) && job.attempts == 0 && job.nextAttemptAt == nil)
      #expect(job.status == (stage == .index ? .done : .pending))
    }
    let job = try #require(try ledger.job(1))
    let expected = Self.counts {
      $0.inputBytes = 900
      $0.events = 5
      $0.rejects = 1
      $0.keys = 3
      $0.linesApplied = 6
      $0.duplicates = 1
      $0.artifactsWritten = 3
      $0.bytesWritten = 4_096
      $0.blankLines = 2
    }
    #expect(job.counts == expected)
    #expect(
      job.timings == [
        .reduce: StageTiming(startedAt: 100, endedAt: 150, workingMillis: 50),
        .prefetch: StageTiming(startedAt: 200, endedAt: 250, workingMillis: 50),
        .process: StageTiming(startedAt: 300, endedAt: 350, workingMillis: 50),
        .index: StageTiming(startedAt: 400, endedAt: 450, workingMillis: 50),
      ])
    #expect(job.totalAttempts == 4)
    #expect(
      try ledger.stageRuns(job: 1) == [
        Self.run(1, .reduce, attempt: 1, 100, 150, outcome: "ok"),
        Self.run(1, .prefetch, attempt: 1, 200, 250, outcome: "ok"),
        Self.run(1, .process, attempt: 1, 300, 350, outcome: "ok"),
        Self.run(1, .index, attempt: 1, 400, 450, outcome: "ok"),
      ])
    #expect(try ledger.unfinishedJobs() == [])
  }

  @Test(arguments: Backend.available)
  func aFailedAttemptRetriesAtItsDeadlineOrFails(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 1, jobs: 1)
    _ = try ledger.beginStage(.reduce, job: 1, at: 100)
    try ledger.failStage(
      .reduce, job: 1, kind: .transientIO, message: "disk hiccup", nextAttemptAt: 500, at: 120)
    var job = try #require(try ledger.job(1))
    #expect(job.stage == .reduce && job.status == .retrying && job.attempts == 1 && job.nextAttemptAt == 500)
    #expect(job.lastError == "disk hiccup" && job.lastErrorKind == .transientIO)
    #expect(try ledger.beginStage(.reduce, job: 1, at: 500) == 2)
    job = try #require(try ledger.job(1))
    #expect(job.status == .running && job.nextAttemptAt == nil)
    #expect(job.lastError == "disk hiccup" && job.lastErrorKind == .transientIO)
    try ledger.failStage(.reduce, job: 1, kind: .corruptData, message: "bad crc", nextAttemptAt: nil, at: 520)
    job = try #require(try ledger.job(1))
    #expect(job.status == .failed && job.attempts == 2 && job.nextAttemptAt == nil)
    #expect(job.lastError == "bad crc" && job.lastErrorKind == .corruptData)
    // 20 ms working in each attempt; the 380 ms between them were spent waiting.
    #expect(
      job.timings == [.reduce: StageTiming(startedAt: 100, endedAt: 520, workingMillis: 40)] && job.totalAttempts == 2)
    #expect(job.timings[.reduce]?.waiting == 380)
    #expect(try ledger.unfinishedJobs().map(\.status) == [.failed])
    #expect(try ledger.retry(job: 1, at: 600))
    #expect(try ledger.beginStage(.reduce, job: 1, at: 610) == 1)
    try ledger.completeStage(.reduce, job: 1, counts: JobCounts(), at: 650)
    job = try #require(try ledger.job(1))
    #expect(job.stage == .prefetch && job.status == .pending)
    #expect(job.lastError == nil && job.lastErrorKind == nil)
    #expect(
      try ledger.stageRuns(job: 1) == [
        Self.run(1, .reduce, attempt: 1, 100, 120, outcome: "transient-io", error: "disk hiccup", next: 500),
        Self.run(1, .reduce, attempt: 2, 500, 520, outcome: "corrupt-data", error: "bad crc"),
        Self.run(1, .reduce, attempt: 1, 610, 650, outcome: "ok"),
      ])
    #expect(job.totalAttempts == 3)
  }

  @Test(arguments: Backend.available)
  func onlyAFailedOrRetryingJobCanBeRetried(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 5, jobs: 5)
    _ = try ledger.beginStage(.reduce, job: 2, at: 100)
    _ = try ledger.beginStage(.reduce, job: 3, at: 100)
    try ledger.failStage(.reduce, job: 3, kind: .contention, message: "busy", nextAttemptAt: 900, at: 110)
    _ = try ledger.beginStage(.reduce, job: 4, at: 100)
    try ledger.failStage(.reduce, job: 4, kind: .internalError, message: "bug", nextAttemptAt: nil, at: 110)
    try Self.finish(ledger, job: 5)
    let retried = try [1, 2, 3, 4, 5, 99].map { try ledger.retry(job: $0, at: 1_000) }
    #expect(retried == [false, false, true, true, false, false])
    let jobs = try (1...5).map { try #require(try ledger.job($0)) }
    #expect(jobs.map(\.status) == [.pending, .running, .pending, .pending, .done])
    #expect(jobs.map(\.attempts) == [0, 1, 0, 0, 0])
    #expect(jobs.map(\.nextAttemptAt) == [nil, nil, nil, nil, nil])
    #expect(jobs.map(\.lastError) == [nil, nil, "busy", "bug", nil])
    #expect(jobs.map(\.lastErrorKind) == [nil, nil, .contention, .internalError, nil])
    #expect(jobs.map(\.stage) == [.reduce, .reduce, .reduce, .reduce, .index])
    #expect(try ledger.stageRuns(job: 3).count == 1)
    #expect(try ledger.retry(job: 3, at: 1_100) == false)
  }

  @Test(arguments: Backend.available)
  func resetInterruptedStagesEndsOpenAttemptsAndFreesRunningJobs(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 4, jobs: 4)
    let interrupted = "the engine stopped during this attempt"
    _ = try ledger.beginStage(.reduce, job: 1, at: 100)
    _ = try ledger.beginStage(.reduce, job: 2, at: 200)
    try ledger.completeStage(.reduce, job: 2, counts: JobCounts(), at: 210)
    _ = try ledger.beginStage(.prefetch, job: 2, at: 220)
    _ = try ledger.beginStage(.reduce, job: 3, at: 300)
    try ledger.failStage(.reduce, job: 3, kind: .transientIO, message: "eio", nextAttemptAt: 900, at: 310)
    try ledger.resetInterruptedStages(at: 1_000)
    let jobs = try (1...4).map { try #require(try ledger.job($0)) }
    #expect(jobs.map(\.status) == [.pending, .pending, .retrying, .pending])
    #expect(jobs.map(\.stage) == [.reduce, .prefetch, .reduce, .reduce])
    #expect(jobs.map(\.attempts) == [1, 1, 1, 0])
    #expect(jobs.map(\.nextAttemptAt) == [nil, nil, 900, nil])
    #expect(
      try ledger.stageRuns(job: 1) == [
        Self.run(1, .reduce, attempt: 1, 100, 1_000, outcome: "interrupted", error: interrupted)
      ])
    #expect(
      try ledger.stageRuns(job: 2) == [
        Self.run(2, .reduce, attempt: 1, 200, 210, outcome: "ok"),
        Self.run(2, .prefetch, attempt: 1, 220, 1_000, outcome: "interrupted", error: interrupted),
      ])
    #expect(
      try ledger.stageRuns(job: 3) == [
        Self.run(3, .reduce, attempt: 1, 300, 310, outcome: "transient-io", error: "eio", next: 900)
      ])
    #expect(try ledger.stageRuns(job: 4) == [])
    #expect(try ledger.beginStage(.reduce, job: 1, at: 1_100) == 2)
    try ledger.resetInterruptedStages(at: 1_200)
    #expect(
      try ledger.stageRuns(job: 1) == [
        Self.run(1, .reduce, attempt: 1, 100, 1_000, outcome: "interrupted", error: interrupted),
        Self.run(1, .reduce, attempt: 2, 1_100, 1_200, outcome: "interrupted", error: interrupted),
      ])
    #expect(try ledger.job(1)?.timings == [.reduce: StageTiming(startedAt: 100, endedAt: 1_200, workingMillis: 1_000)])
  }

  @Test(arguments: Backend.available)
  func rewindSendsAPartitionBackToAnEarlierStage(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 1, jobs: 1)
    for (n, stage) in [Stage.reduce, .prefetch].enumerated() {
      _ = try ledger.beginStage(stage, job: 1, at: Int64(n) * 100 + 100)
      try ledger.completeStage(stage, job: 1, counts: JobCounts(), at: Int64(n) * 100 + 150)
    }
    _ = try ledger.beginStage(.process, job: 1, at: 300)
    #expect(throws: LedgerError.self) { try ledger.rewind(job: 1, partition: 0, to: .prefetch) }  // running
    try ledger.resetInterruptedStages(at: 350)
    try ledger.rewind(job: 1, partition: 0, to: .prefetch)
    var job = try #require(try ledger.job(1))
    #expect(job.stage == .prefetch && job.status == .pending && job.attempts == 0)
    #expect(
      try ledger.stageRuns(job: 1).last
        == Self.run(
          1, .process, attempt: 1, 300, 350, outcome: "interrupted", error: "the engine stopped during this attempt"))
    #expect(try ledger.beginStage(.prefetch, job: 1, at: 400) == 1)
    try ledger.completeStage(.prefetch, job: 1, counts: JobCounts(), at: 450)
    #expect(try ledger.stageRuns(job: 1).map(\.endedAt) == [150, 250, 350, 450])
    // A retrying job rewound keeps its deadline and last error.
    _ = try ledger.beginStage(.process, job: 1, at: 500)
    try ledger.failStage(.process, job: 1, kind: .injected, message: "injected", nextAttemptAt: 900, at: 510)
    try ledger.rewind(job: 1, partition: 0, to: .prefetch)
    job = try #require(try ledger.job(1))
    #expect(job.stage == .prefetch && job.status == .pending && job.attempts == 0)
    let partition = try #require(try ledger.partitionTasks(job: 1).first?.state)
    #expect(partition.nextAttemptAt == 900 && partition.lastError == "injected" && partition.lastErrorKind == .injected)
    #expect(throws: LedgerError.self) { try ledger.rewind(job: 99, partition: 0, to: .prefetch) }
    #expect(throws: LedgerError.self) { try ledger.rewind(job: 1, partition: 1, to: .prefetch) }
    #expect(try ledger.job(99) == nil)
  }
}
