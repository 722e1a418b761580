import Foundation
import LedgerDomain
import LedgerOperations
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Synchronization
import Testing

@testable import LedgerEngine

@Suite struct RetryAndPipelineTests {
  static func name(_ minute: Int) -> String {
    let base = BatchInstant(basic: "20261127T100000Z")?.secondsSinceEpoch ?? 0
    let from = base + Int64(minute) * 60
    return "\(BatchInstant(secondsSinceEpoch: from).basic)_\(BatchInstant(secondsSinceEpoch: from + 60).basic).jsonl"
  }

  @Test(arguments: [Stage.reduce, .prefetch, .process, .index])
  func transientFaultIsRetriedAndTheBatchEndsDone(stage: Stage) throws {
    let h = try EngineHarness(storage: .inMemory)
    try h.deliver(source: "web", name: Self.name(0), lines: [eventLine(id: "e1", order: "o1", amount: "5.00")])
    let faults = try FaultInjector.parse("\(stage.rawValue):job=1").get()
    let report = try h.runUntilIdle(faults: faults)
    #expect(report.failed.isEmpty)
    let all = try h.context(faults: faults).ledger.stageRuns(job: 1).filter { $0.stage == stage }
    // Reduce is one task; a later stage runs per partition, and the fault hits each one's first try.
    let tasks = stage == .reduce ? [nil] : (0..<h.partitions).map(Optional.some)
    for partition in tasks {
      let runs = all.filter { $0.partition == partition }
      #expect(runs.map(\.outcome) == ["injected", "ok"])
      #expect(runs.first?.nextAttemptAt != nil)
    }
    #expect(all.count == 2 * tasks.count)
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 500)
  }

  @Test func backoffGrowsExponentiallyWithJitterAndGivesUp() {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)
    #expect(policy.decision(afterFailedAttempt: 1, random: 0) == .retry(after: .milliseconds(100)))
    #expect(policy.decision(afterFailedAttempt: 2, random: 0) == .retry(after: .milliseconds(200)))
    #expect(policy.decision(afterFailedAttempt: 3, random: 1) == .retry(after: .milliseconds(200)))
    #expect(policy.decision(afterFailedAttempt: 4, random: 0) == .giveUp)
    let capped = RetryPolicy(maxAttempts: 20, baseDelay: .seconds(1), maxDelay: .seconds(5), jitter: 0)
    #expect(capped.decision(afterFailedAttempt: 10, random: 0.3) == .retry(after: .seconds(5)))
  }

  /// An artifact part the key index names, deleted: the batch that needs it fails (after its
  /// retries: on a shared file system a file may only be late) and says the store is not whole
  /// and what to do, and nothing is written for it.
  @Test(arguments: EngineHarness.Storage.available)
  func aLostArtifactPartFailsTheBatchWithWhatToDo(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.name(0), lines: [eventLine(id: "e1", order: "o1", amount: "5.00")])
    #expect(try h.runUntilIdle().failed.isEmpty)
    let parts = try FileManager.default.contentsOfDirectory(atPath: h.paths.parts).filter { $0.hasPrefix("a-") }
    #expect(!parts.isEmpty)
    for part in parts { try FileManager.default.removeItem(atPath: "\(h.paths.parts)/\(part)") }
    h.close()  // a new engine: its cache does not hold the artifacts
    try h.deliver(source: "web", name: Self.name(1), lines: [eventLine(id: "e2", order: "o1", amount: "-5.00")])
    #expect(try h.runUntilIdle().failed.map(\.seq) == [2])
    let job = try #require(try h.context().ledger.job(2))
    #expect(job.lastErrorKind == .transientIO)
    let message = try #require(job.lastError)
    #expect(message.contains("No such file or directory"), "\(message)")
    #expect(message.contains("the store is not whole"), "\(message)")
    #expect(message.contains("`ledgerline verify`") && message.contains("`ledgerline rebuild`"), "\(message)")
  }

  /// The advice names any artifact part the index can point at (a compaction's `c-` parts too),
  /// and nothing else: not an intermediate part, not another error.
  @Test func theLostPartAdviceCoversEveryArtifactPartAndNothingElse() {
    func advice(_ path: String, _ code: Int32 = ENOENT) -> String {
      FailureClassifier.advice(for: FileSystemError(operation: "open", path: path, errno: code))
    }
    #expect(advice("/d/parts/a-0000000001-0-1x1.part").contains("the store is not whole"))
    #expect(advice("/d/parts/c-0000000003.part").contains("the store is not whole"))
    #expect(advice("/d/parts/s-0000000001-0-1x1.part").isEmpty)
    #expect(advice("/d/parts/m-0000000001-0-1x1.part").isEmpty)
    #expect(advice("/d/parts/a-0000000001-0-1x1.part", EIO).isEmpty)
  }

  @Test(arguments: EngineHarness.Storage.available)
  func permanentFailureWaitsForAnOperatorThenRetrySucceeds(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.name(0), lines: [eventLine(id: "e1", order: "o1", amount: "5.00")])
    let faults = try FaultInjector.parse("process:job=1:permanent").get()
    let report = try h.runUntilIdle(faults: faults)
    #expect(report.failed.map(\.seq) == [1])
    let failed = try #require(try h.context(faults: faults).ledger.job(1))
    #expect(failed.status == .failed)
    #expect(failed.stage == .process)
    #expect(failed.lastErrorKind == .injectedPermanent)
    // The fault hits every partition's process once: each waits for the operator.
    let tasks = try h.context().ledger.partitionTasks(job: 1)
    #expect(tasks.map(\.state.status) == Array(repeating: .failed, count: h.partitions))
    #expect(try h.artifacts().isEmpty)
    // A restart (a new engine, holding no prefetched partition) leaves it for the operator.
    #expect(try h.runUntilIdle().failed.map(\.seq) == [1])
    #expect(try h.context().ledger.partitionTasks(job: 1).allSatisfy { $0.state.status == .failed })
    #expect(try h.context().ledger.retry(job: 1, at: h.clock.nowMillis()))
    let after = try h.runUntilIdle()
    #expect(after.failed.isEmpty)
    #expect(try h.context().ledger.job(1)?.status == .done)
    #expect(try h.artifacts()["o1"]?.summary.totals[.usd]?.balance == 500)
    for p in 0..<h.partitions {
      let outcomes = try h.context().ledger.stageRuns(job: 1).filter { $0.stage == .process && $0.partition == p }
        .map(\.outcome)
      #expect(outcomes == ["injected-permanent", "ok"])
    }
  }

  @Test(arguments: EngineHarness.Storage.available)
  func retryOfABatchThatIsNotFailedIsRefused(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.name(0), lines: [eventLine(id: "e1", order: "o1", amount: "5.00")])
    try h.runUntilIdle()
    #expect(try h.context().ledger.retry(job: 1, at: h.clock.nowMillis()) == false)
  }

  /// The indexer of batch 1 is held until batch 2 has been processed: batch 2 prefetched before
  /// batch 1 was indexed, so only the in-flight overlay can give it batch 1's update.
  @Test(arguments: EngineHarness.Storage.available)
  func noUpdateIsLostWhenIndexingLags(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.name(0), lines: [eventLine(id: "e1", order: "hot", amount: "1.00")])
    try h.deliver(source: "web", name: Self.name(1), lines: [eventLine(id: "e2", order: "hot", amount: "2.00")])
    try h.deliver(
      source: "web", name: Self.name(2),
      lines: [eventLine(id: "e3", order: "hot", amount: "4.00"), eventLine(id: "e1", order: "hot", amount: "1.00")])
    let ledger = try h.context().ledger
    let sawOverlap = Mutex(false)
    let hotPartition = KeyPartition.of("hot", partitions: h.partitions)
    try h.runUntilIdle(maxInputsPerJob: 1) { task in
      guard task == .partition(hotPartition, of: 1, .index) else { return }
      // Hold the indexer until batch 3 has been processed (or 5 s pass).
      for _ in 0..<500 {
        if let p = try? ledger.partitionTasks(job: 3).first(where: { $0.partition == hotPartition }),
          p.state.stage == .index
        {
          sawOverlap.withLock { $0 = true }
          return
        }
        usleep(10_000)
      }
    }
    #expect(sawOverlap.withLock { $0 })
    let hot = try #require(try h.artifacts()["hot"])
    #expect(hot.lines.map(\.id) == ["e1", "e2", "e3"])
    #expect(hot.summary.totals[.usd]?.balance == 700)
    #expect(try h.context().ledger.recentJobs(limit: 5).last?.counts.duplicates == 1)
  }

  @Test func backlogIsGroupedAndAnIdleLineTakesOneBatch() throws {
    let policy = BacklogPolicy(maxInputs: 3, maxBytes: 100)
    #expect(policy.groupSize(pendingSizes: []) == 0)
    #expect(policy.groupSize(pendingSizes: [10]) == 1)
    #expect(policy.groupSize(pendingSizes: [10, 10, 10, 10, 10]) == 3)
    #expect(policy.groupSize(pendingSizes: [60, 60, 10]) == 1)
    #expect(policy.groupSize(pendingSizes: [500, 10]) == 1)

    let h = try EngineHarness(storage: .inMemory)
    for minute in 0..<5 {
      try h.deliver(
        source: "web", name: Self.name(minute), lines: [eventLine(id: "e\(minute)", order: "o1", amount: "1.00")])
    }
    try h.runUntilIdle(maxInputsPerJob: 3)
    let jobs = try h.context().ledger.recentJobs(limit: 10)
    #expect(jobs.map(\.inputs.count) == [3, 2])
    #expect(try h.artifacts()["o1"]?.summary.lineCount == 5)
  }

  @Test func watermarkStopsAtTheFirstGapAndShowsIt() {
    let w = Watermark.compute([
      .init(from: 0, to: 60, indexed: true), .init(from: 60, to: 120, indexed: true),
      .init(from: 180, to: 240, indexed: true), .init(from: 240, to: 300, indexed: false),
    ])
    #expect(w.completeThrough == 120)
    #expect(w.gaps == [.init(from: 120, to: 180, pending: false), .init(from: 240, to: 300, pending: true)])
    #expect(Watermark.compute([.init(from: 0, to: 60, indexed: false)]).completeThrough == nil)
    #expect(Watermark.compute([]).completeThrough == nil)
  }

  /// A pending interval whose input an operator set aside waits for a release, not for the
  /// engine: it reads `quarantined`, and only that interval does.
  @Test func aQuarantinedInputsIntervalReadsQuarantinedNotPending() {
    let w = Watermark.compute([
      .init(from: 0, to: 60, indexed: true), .init(from: 60, to: 120, indexed: false),
      .init(from: 120, to: 180, indexed: false), .init(from: 240, to: 300, indexed: true),
    ]).marking(quarantined: [(from: 60, to: 120), (from: 180, to: 240)])
    #expect(w.gaps.map(Watermark.describe) == ["quarantined", "pending", "missing"])
    let failed = Watermark.compute([.init(from: 0, to: 60, indexed: false), .init(from: 60, to: 120, indexed: false)])
      .marking(quarantined: [], failed: [(from: 0, to: 60, batch: 7)])
    #expect(failed.gaps.map(Watermark.describe) == ["failed (`ledgerline retry 7`)", "pending"])
    #expect(w.completeThrough == 60)
  }

  @Test(arguments: EngineHarness.Storage.available)
  func statusShowsWatermarkAndGapPerSource(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try h.deliver(source: "web", name: Self.name(0), lines: [eventLine(id: "e1", order: "o1", amount: "1.00")])
    try h.deliver(source: "web", name: Self.name(2), lines: [eventLine(id: "e2", order: "o1", amount: "1.00")])
    try h.runUntilIdle()
    let json = try StatusReport.build(h.context()).json()
    #expect(
      json.contains(
        #"{"complete_through":"2026-11-27T10:01:00Z","gaps":[{"failed_batch":null,"from":"2026-11-27T10:01:00Z","pending":false,"quarantined":false,"to":"2026-11-27T10:02:00Z"}],"source":"web"}"#
      ))
  }

  @Test func faultSpecErrorsQuoteTheRule() {
    guard case .failure(let error) = FaultInjector.parse("process:often") else {
      Issue.record("expected a failure")
      return
    }
    #expect(
      error.description
        == #"fault-injection rule "process:often" is not valid: probability must be a number in 0…1, or job=N"#)
  }
}

/// Two orders whose ids differ in bytes but are canonically equivalent text ("é" precomposed and
/// decomposed) never share an artifact, even while the first is in flight (indexed late) when
/// the second is processed.
@Suite struct ExactOrderIDTests {
  @Test(arguments: EngineHarness.Storage.available)
  func canonicallyEquivalentOrderIdsAreTwoArtifacts(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    let precomposed = "o-\u{E9}"
    let decomposed = "o-e\u{301}"
    try h.deliver(
      source: "web", name: RetryAndPipelineTests.name(0),
      lines: [eventLine(id: "a", order: precomposed, amount: "1.00")])
    try h.deliver(
      source: "web", name: RetryAndPipelineTests.name(1), lines: [eventLine(id: "b", order: decomposed, amount: "2.00")]
    )
    let ledger = try h.context().ledger
    let sawOverlap = Mutex(false)
    try h.runUntilIdle(maxInputsPerJob: 1) { task in
      guard task.job == 1, task.stage == .index else { return }
      // Hold batch 1's index until batch 2 is processed: its process sees batch 1 in flight.
      for _ in 0..<500 {
        if let tasks = try? ledger.partitionTasks(job: 2), !tasks.isEmpty,
          tasks.allSatisfy({ $0.state.stage == .index || $0.state.status == .done })
        {
          sawOverlap.withLock { $0 = true }
          return
        }
        usleep(10_000)
      }
    }
    #expect(sawOverlap.withLock { $0 })
    let query = ArtifactQuery(context: try h.context())
    let first = try #require(try query.lookup(precomposed))
    let second = try #require(try query.lookup(decomposed))
    #expect(first.lines.map(\.id) == ["a"] && first.summary.totals[.usd]?.balance == 100)
    #expect(second.lines.map(\.id) == ["b"] && second.summary.totals[.usd]?.balance == 200)
    #expect(Array(second.summary.orderID.utf8) == Array(decomposed.utf8))
  }
}
