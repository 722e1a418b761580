import LedgerStorage
import LedgerTesting
import Testing

/// The input ranges of a job's reduce, on every backend: each range is a task row of its own,
/// and the job's row shows their aggregate until the last one opens its partitions.
extension WorkflowLedgerContractTests {
  /// A job is planned as one range, range 0, pending; its success ends it as `done` (kept, not
  /// listed as unfinished), and opens the job's partitions in the same step.
  @Test(arguments: Backend.available)
  func aJobReducesAsOneRangeWhoseSuccessOpensItsPartitions(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 2, jobs: 0)
    _ = try ledger.createJob(inputs: [1, 2], partitions: 3, at: 50)
    let whole = RangeExtent.inputs(first: 1, last: 2)
    #expect(
      try ledger.reduceRanges(job: 1) == [
        ReduceRangeRecord(job: 1, range: 0, state: TaskState(stage: .reduce), extent: whole)
      ])
    #expect(try ledger.unfinishedReduceRanges().map(\.task) == [.reduce(1)])
    #expect(try ledger.reduceRanges(job: 2) == [])
    #expect(
      Self.refusal { _ = try ledger.beginTask(.reduce(1, range: 1), at: 55) }
        == "\(LedgerError.unknownRange(job: 1, range: 1))")
    #expect(Self.refusal { _ = try ledger.beginTask(.reduce(2), at: 55) } == "\(LedgerError.unknownJob(2))")

    let attempt = try ledger.beginTask(.reduce(1), at: 60)
    #expect(try ledger.reduceRanges(job: 1).map(\.state) == [TaskState(stage: .reduce, status: .running, attempts: 1)])
    var job = try #require(try ledger.job(1))
    #expect(job.stage == .reduce && job.status == .running && job.attempts == 1)
    #expect(try ledger.partitionTasks(job: 1).isEmpty)

    let counts = Self.counts {
      $0.inputBytes = 900
      $0.events = 12
      $0.rejects = 2
      $0.keys = 5
      $0.blankLines = 1
    }
    try ledger.completeTask(.reduce(1), attempt: attempt, counts: counts, at: 70)
    #expect(
      try ledger.reduceRanges(job: 1) == [
        ReduceRangeRecord(
          job: 1, range: 0, state: TaskState(stage: .reduce, status: .done), counts: counts, extent: whole)
      ])
    #expect(try ledger.stageRuns(job: 1).map(\.range) == [0])
    #expect(try ledger.unfinishedReduceRanges().isEmpty)
    #expect(try ledger.partitionTasks(job: 1).map(\.state) == Array(repeating: TaskState(stage: .prefetch), count: 3))
    job = try #require(try ledger.job(1))
    #expect(job.stage == .prefetch && job.status == .pending && job.counts == counts)
    // A reduced job's range cannot begin again, nor its late outcome count.
    #expect(throws: LedgerError.self) { try ledger.beginTask(.reduce(1), at: 80) }
    #expect(
      Self.refusal { try ledger.completeTask(.reduce(1), attempt: attempt, counts: JobCounts(), at: 80) }
        == "\(LedgerError.notRunning(job: 1, stage: "reduce"))")
    #expect(
      try ledger.beginFirstTask(of: [.reduce(1), .partition(1, of: 1, .prefetch)], at: 80, by: nil)?.task
        == .partition(1, of: 1, .prefetch))
  }

  /// The description of the ``LedgerError`` that `body` throws; nil when it throws none (or
  /// another error).
  static func refusal(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let error as LedgerError {
      return "\(error)"
    } catch {
      return nil
    }
  }

  /// A range interrupted by a restart, or by its process found gone, is pending again with its
  /// attempt counted; a failed one is what the operator's retry sends back.
  @Test(arguments: Backend.available)
  func aRangeIsInterruptedRetriedAndPlannedAnewWhenAnInputIsSetAside(backend: Backend) throws {
    let ledger = try Self.ledger(backend, in: directory, batches: 2, jobs: 0)
    _ = try ledger.createJob(inputs: [1, 2], partitions: 2, at: 50)
    _ = try ledger.beginTask(.reduce(1), at: 60)
    try ledger.resetInterruptedStages(at: 70)
    #expect(try ledger.reduceRanges(job: 1).map(\.state) == [TaskState(stage: .reduce, status: .pending, attempts: 1)])
    #expect(try ledger.job(1)?.status == .pending)

    let gone = try ledger.registerProcess(NewProcess(host: "h", pid: 1, osUser: "u"), at: 75)
    #expect(try ledger.beginTask(.reduce(1), at: 80, by: gone.id) == 2)
    #expect(try ledger.expireProcess(gone.id, silentBefore: 1_000, note: "silent", at: 1_000))
    #expect(try ledger.reduceRanges(job: 1).map(\.state.status) == [.pending])
    #expect(try ledger.job(1)?.status == .pending)
    #expect(try ledger.stageRuns(job: 1).map(\.outcome) == ["interrupted", "interrupted"])

    #expect(try ledger.beginTask(.reduce(1), at: 1_010) == 3)
    try ledger.failTask(.reduce(1), attempt: 3, kind: .corruptData, message: "bad line", nextAttemptAt: nil, at: 1_020)
    var job = try #require(try ledger.job(1))
    #expect(job.status == .failed && job.lastError == "bad line" && job.lastErrorKind == .corruptData)
    #expect(try ledger.reduceRanges(job: 1).map(\.state.status) == [.failed])
    #expect(try ledger.retry(job: 1, at: 1_030))
    #expect(try ledger.reduceRanges(job: 1).map(\.state.attempts) == [0])
    #expect(try !ledger.retry(job: 1, at: 1_031))

    #expect(try ledger.beginTask(.reduce(1), at: 1_040) == 1)
    try ledger.failTask(.reduce(1), attempt: 1, kind: .corruptData, message: "bad line", nextAttemptAt: nil, at: 1_050)
    try ledger.quarantine(input: 2, job: 1, at: 1_060)
    #expect(
      try ledger.reduceRanges(job: 1) == [
        ReduceRangeRecord(job: 1, range: 0, state: TaskState(stage: .reduce), extent: .inputs(first: 1, last: 1))
      ])
    job = try #require(try ledger.job(1))
    #expect(job.inputs == [1] && job.stage == .reduce && job.status == .pending && job.attempts == 0)
  }

  /// A registered input's segments come back with it, in order, from every read.
  @Test(arguments: Backend.available)
  func anInputsSegmentsAreKeptWithIt(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    let segments = [
      InputSegment(byteFrom: 0, byteTo: 70, firstLine: 1, sha256: String(repeating: "a", count: 64)),
      InputSegment(byteFrom: 70, byteTo: 150, firstLine: 4, sha256: String(repeating: "b", count: 64)),
    ]
    var big = Self.batch("web", "b0.jsonl", from: 0, to: 60)
    big.bytes = 150
    big.segments = segments
    let records = try ledger.register([big, Self.batch("web", "b1.jsonl", from: 60, to: 120)], at: 10)
    #expect(records.map(\.batch.segments) == [segments, []])
    #expect(try ledger.inputBatches(source: "web").map(\.batch.segments) == [segments, []])
    #expect(try ledger.inputBatches(ids: [2, 1]).map(\.batch.segments) == [[], segments])
    #expect(try ledger.ungroupedInputBatches().map(\.batch.segments) == [segments, []])
  }

  /// A job's plan: each segment of a segmented input a range, whole inputs grouped in order.
  @Test(arguments: Backend.available)
  func aJobIsPlannedAsSegmentsAndGroupsOfWholeInputs(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    let segments = [
      InputSegment(byteFrom: 0, byteTo: 70, firstLine: 1, sha256: String(repeating: "a", count: 64)),
      InputSegment(byteFrom: 70, byteTo: 150, firstLine: 4, sha256: String(repeating: "b", count: 64)),
    ]
    var big = Self.batch("web", "b1.jsonl", from: 60, to: 120)
    big.bytes = 150
    big.segments = segments
    _ = try ledger.register(
      [
        Self.batch("web", "b0.jsonl", from: 0, to: 60), big, Self.batch("web", "b2.jsonl", from: 120, to: 180),
        Self.batch("web", "b3.jsonl", from: 180, to: 240),
      ], at: 10)
    _ = try ledger.createJob(inputs: [1, 2, 3, 4], partitions: 2, at: 20)
    #expect(
      try ledger.reduceRanges(job: 1).map(\.extent) == [
        .inputs(first: 1, last: 1), .segment(input: 2, segments[0]), .segment(input: 2, segments[1]),
        .inputs(first: 3, last: 4),
      ])
    #expect(try ledger.job(1)?.stage == .reduce)
    // The partitions open only when the last of the four ranges succeeds.
    for k in [3, 0, 2] {
      let attempt = try ledger.beginTask(.reduce(1, range: k), at: 30)
      try ledger.completeTask(.reduce(1, range: k), attempt: attempt, counts: Self.counts { $0.events = 1 }, at: 31)
      #expect(try ledger.partitionTasks(job: 1).isEmpty)
    }
    let attempt = try ledger.beginTask(.reduce(1, range: 1), at: 40)
    try ledger.completeTask(.reduce(1, range: 1), attempt: attempt, counts: Self.counts { $0.events = 5 }, at: 41)
    #expect(try ledger.partitionTasks(job: 1).count == 2)
    #expect(try ledger.job(1)?.counts.events == 8)
    #expect(try ledger.stageRuns(job: 1).map(\.range) == [3, 0, 2, 1])
  }

  /// Consecutive whole inputs are one range however large, on every store: a job reduces as
  /// several ranges only when its inputs were registered as segments.
  @Test(arguments: Backend.available)
  func consecutiveWholeInputsAreOneRangeHoweverLarge(backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    let batches = (0..<3).map { n in
      var batch = Self.batch("web", "b\(n).jsonl", from: Int64(n) * 60, to: Int64(n) * 60 + 60)
      batch.bytes = 400 << 20
      return batch
    }
    _ = try ledger.register(batches, at: 10)
    _ = try ledger.createJob(inputs: [1, 2, 3], partitions: 2, at: 20)
    #expect(try ledger.reduceRanges(job: 1).map(\.extent) == [.inputs(first: 1, last: 3)])
  }
}
