import Foundation
import LedgerDomain
import LedgerStorage
import LedgerTesting
import Synchronization
import Testing

@testable import LedgerEngine

/// Several engines on one store (a fleet: PostgreSQL, or the in-memory ledger admitting several)
/// work through one backlog together; the result must equal the plain fold, as one engine's does.
@Suite struct FleetTests {
  static let storages: [EngineHarness.Storage] = [.inMemory] + (PostgresTestServer.casesRun ? [.postgres] : [])

  /// Engines in one test process: each with its own state, overlay and workers, sharing the
  /// ledger, the key index and the data directory, on the real clock (leases are real time).
  static func runFleet(_ harness: EngineHarness, engines: Int, seed: UInt64, maxInputsPerJob: Int) throws
    -> [IdleReport]
  {
    let contexts = try (0..<engines).map { _ in try harness.memberContext() }
    let reports = Mutex<[Result<IdleReport, any Error>]>([])
    let done = DispatchGroup()
    for (n, context) in contexts.enumerated() {
      var options = EngineOptions()
      options.workers = 2
      options.backlog = BacklogPolicy(maxInputs: maxInputsPerJob)
      options.taskOrderSeed = seed &+ UInt64(n)
      options.pollMillis = 5
      options.compactEvery = 0
      // A short pause per task lets every engine's claims interleave with the others'.
      options.beforeTask = { _ in Thread.sleep(forTimeInterval: 0.002) }
      let engine = Engine(context: context, options: options)
      done.enter()
      Thread.detachNewThread {
        defer { done.leave() }
        let result = Result { try engine.runUntilIdle() }
        reports.withLock { $0.append(result) }
      }
    }
    done.wait()
    return try reports.withLock { $0 }.map { try $0.get() }
  }

  @Test(arguments: storages, [UInt64(11), 12, 13])
  func threeEnginesOnOneStoreEqualThePlainFold(storage: EngineHarness.Storage, seed: UInt64) throws {
    let harness = try EngineHarness(storage: storage, fleet: true)
    let (expected, _) = try RandomWorkloadTests.workload(seed: seed, harness: harness)
    let reports = try Self.runFleet(harness, engines: 3, seed: seed, maxInputsPerJob: 1)
    for report in reports { #expect(report.failed.isEmpty) }

    let actual = try harness.artifacts()
    // On a mismatch, who ran what, for the orders that differ.
    do {
      let ledger = try harness.memberContext().ledger
      for order in expected.keys.sorted() where actual[order]?.lines.map(\.id) != expected[order]?.ids {
        let p = KeyPartition.of(order, partitions: harness.partitions)
        print(
          "fleet mismatch: order \(order) partition \(p) missing \(Set(expected[order]?.ids ?? []).subtracting(actual[order]?.lines.map(\.id) ?? []))"
        )
        for job in try ledger.recentJobs(limit: 1000) {
          let batches = try ledger.inputBatches(ids: job.inputs)
          var names = batches.map { "\($0.batch.source)/\($0.batch.name)" }
          for b in batches {
            let text =
              (try? String(contentsOfFile: "\(harness.root)/archive/\(b.batch.source)/\(b.batch.name)", encoding: .utf8))
              ?? "?"
            let touching = text.split(separator: "\n").filter { $0.contains("\"order_id\":\"\(order)\"") }.map {
              $0.split(separator: ",")[0]
            }
            names.append("touch=\(touching)")
          }
          let runs = try ledger.stageRuns(job: job.seq).filter { $0.partition == nil || $0.partition == p }
          print(
            "  batch \(job.seq) \(names): "
              + runs.map {
                "\($0.stage.rawValue)@\($0.process ?? -1) \($0.startedAt % 100000)-\(($0.endedAt ?? 0) % 100000)"
              }.joined(separator: ", "))
        }
      }
    }
    #expect(Set(actual.keys) == Set(expected.keys))
    for (order, want) in expected {
      guard let got = actual[order] else { continue }
      #expect(got.lines.map(\.id) == want.ids, "lines of \(order)")
      var totals: [String: [Int64]] = [:]
      for (currency, t) in got.summary.totals { totals[currency.code] = [t.balance, t.debits, t.credits] }
      #expect(totals == want.totals, "totals of \(order)")
    }

    // The work was shared: more than one process ran tasks, and every one ended as stopped.
    let context = try harness.memberContext()
    let ledger = context.ledger
    var ranBy: Set<Int64> = []
    for job in try ledger.recentJobs(limit: 1000) {
      #expect(job.status == .done)
      for run in try ledger.stageRuns(job: job.seq) {
        if let process = run.process { ranBy.insert(process) }
        #expect(run.outcome == "ok", "\(run.stage) of batch \(job.seq): \(run.outcome ?? "running")")
      }
    }
    #expect(ranBy.count >= 2, "tasks ran in \(ranBy.count) process(es) of 3")
    let processes = try ledger.processes(recentlyEnded: 10)
    #expect(processes.count == 3)
    #expect(processes.allSatisfy { $0.endNote == "stopped" }, "\(processes.map { $0.endNote ?? "running" })")
  }

  /// Where the index admits concurrent publishes (PostgreSQL), each member may index one
  /// partition beside those the others index; a single-writer index (SQLite) allows one at a time.
  /// Likewise each member of a fleet may reduce one job beside the others'.
  @Test func eachMemberIndexesOnePartitionBesideTheOthersWhereTheIndexAdmitsIt() throws {
    let fleet = try EngineHarness(storage: .inMemory, fleet: true)
    let member = Engine(context: try fleet.memberContext(), options: EngineOptions())
    #expect(member.schedulerLimits(indexing: 0, indexingHere: 0).indexWriters == 1)
    #expect(member.schedulerLimits(indexing: 2, indexingHere: 0).indexWriters == 3)
    #expect(member.schedulerLimits(indexing: 2, indexingHere: 1).indexWriters == 2)
    // Each member may reduce a job beside the others' reduces; one engine alone reduces one.
    #expect(member.schedulerLimits(indexing: 0, indexingHere: 0, reducing: 1, reducingHere: 0).reducers == 2)
    #expect(member.schedulerLimits(indexing: 0, indexingHere: 0, reducing: 1, reducingHere: 1).reducers == 1)
    let alone = try EngineHarness(storage: .inMemory)
    let engine = Engine(context: try alone.context(), options: EngineOptions())
    #expect(engine.schedulerLimits(indexing: 0, indexingHere: 0).indexWriters == 1)
    #expect(engine.schedulerLimits(indexing: 1, indexingHere: 0).indexWriters == 1)
    #expect(engine.schedulerLimits(indexing: 0, indexingHere: 0, reducing: 1, reducingHere: 0).reducers == 1)
  }

  /// A member that went silent (killed without a word: its record still says running, its task
  /// still runs in the ledger) is expired by the others once its lease ran out, and its task is
  /// done by one of them.
  @Test(arguments: storages)
  func aSilentMembersTaskIsTakenOverAfterItsLease(storage: EngineHarness.Storage) throws {
    let harness = try EngineHarness(storage: storage, fleet: true)
    try harness.deliver(
      source: "alpha", name: "20261127T100000Z_20261127T100100Z.jsonl",
      lines: [eventLine(id: "e1", order: "o-1", amount: "12.50"), eventLine(id: "e2", order: "o-2", amount: "-3")])
    let context = try harness.memberContext()
    let ledger = context.ledger
    // The gone member: registered, heard from long ago, and in the middle of the batch's reduce.
    var scanOptions = EngineOptions()
    scanOptions.compactEvery = 0
    try Engine(context: context, options: scanOptions).scanInbox()
    let now = SystemClock().nowMillis()
    let gone = try ledger.registerProcess(NewProcess(host: "elsewhere", pid: 4242, osUser: "ops"), at: now - 60_000)
    let pending = try ledger.ungroupedInputBatches()
    let job = try ledger.createJob(inputs: pending.map(\.id), partitions: context.partitions, at: now)
    let attempt = try ledger.beginTask(.reduce(job.seq), at: now - 60_000, by: gone.id)

    var options = EngineOptions()
    options.compactEvery = 0
    options.pollMillis = 5
    options.leaseMillis = 1_000
    options.heartbeatMillis = 100
    let report = try Engine(context: try harness.memberContext(), options: options).runUntilIdle()
    #expect(report.failed.isEmpty)
    #expect(try ledger.job(job.seq)?.status == .done)
    let runs = try ledger.stageRuns(job: job.seq).filter { $0.stage == .reduce }
    #expect(runs.count == 2)
    #expect(runs.first?.process == gone.id)
    #expect(runs.last?.process != gone.id)
    #expect(runs.last?.outcome == "ok")
    // The gone member's late outcome is refused: its attempt no longer runs.
    #expect(throws: LedgerError.self) {
      try ledger.completeTask(.reduce(job.seq), attempt: attempt, counts: JobCounts(), at: now)
    }
    let record = try ledger.processes(recentlyEnded: 10).first { $0.id == gone.id }
    #expect(record?.stoppedAt != nil)
    #expect(record?.endNote?.contains("presumed gone") == true, "\(record?.endNote ?? "none")")
    #expect(try harness.artifacts().keys.sorted() == ["o-1", "o-2"])
  }

  /// A member that finds itself expired (it stalled past its lease and the others took over)
  /// stops with `presumedGone` instead of going on with what it holds.
  @Test(arguments: storages)
  func aMemberThatWasExpiredStops(storage: EngineHarness.Storage) throws {
    let harness = try EngineHarness(storage: storage, fleet: true)
    let context = try harness.memberContext()
    var options = EngineOptions()
    options.compactEvery = 0
    options.pollMillis = 5
    options.heartbeatMillis = 50
    let engine = Engine(context: context, options: options)
    let stopped = Mutex<Result<Void, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      let result = Result { try engine.run() }
      stopped.withLock { $0 = result }
      done.signal()
    }
    // Wait for it to register, then expire it as another member would have.
    var me: ProcessRecord?
    for _ in 0..<500 where me == nil {
      me = try context.ledger.processes(recentlyEnded: 0).first
      if me == nil { Thread.sleep(forTimeInterval: 0.01) }
    }
    let registered = try #require(me)
    #expect(
      try context.ledger.expireProcess(
        registered.id, silentBefore: Int64.max, note: "presumed gone: test", at: SystemClock().nowMillis()))
    #expect(done.wait(timeout: .now() + 10) == .success, "the expired engine stopped")
    let outcome = try #require(stopped.withLock { $0 })
    #expect(throws: EngineError.presumedGone(process: registered.id)) { try outcome.get() }
  }
}

/// Part files named by attempt: an operator's retry numbers attempts from 1 again, so a failed
/// attempt and the accepted one can share a name; the accepted artifacts are never leftovers.
@Suite struct StageOutputsTests {
  @Test func leftoversNeverNameTheAcceptedArtifactsWhenARetryReusesTheName() throws {
    let h = try EngineHarness(storage: .inMemory)
    let context = try h.context()
    let ledger = context.ledger
    _ = try ledger.register(
      [
        NewInputBatch(
          source: "web", name: "a.jsonl", from: 0, to: 60, bytes: 5, archivePath: "archive/web/a.jsonl", scan: 1)
      ], at: 1)
    let job = try ledger.createJob(inputs: [1], partitions: 1, at: 1)
    let me = try ledger.registerProcess(NewProcess(host: "h", pid: 7, osUser: "ops"), at: 1)
    let reduce = try ledger.beginTask(.reduce(job.seq), at: 2, by: me.id)
    try ledger.completeTask(.reduce(job.seq), attempt: reduce, counts: JobCounts(), at: 3)
    for stage in [Stage.prefetch] {
      let a = try ledger.beginTask(.partition(0, of: job.seq, stage), at: 4, by: me.id)
      try ledger.completeTask(.partition(0, of: job.seq, stage), attempt: a, counts: JobCounts(), at: 5)
    }
    let process = TaskRef.partition(0, of: job.seq, .process)
    let failed = try ledger.beginTask(process, at: 6, by: me.id)
    try ledger.failTask(process, attempt: failed, kind: .injectedPermanent, message: "x", nextAttemptAt: nil, at: 7)
    #expect(try ledger.retry(job: job.seq, at: 8))
    let accepted = try ledger.beginTask(process, at: 9, by: me.id)
    #expect(accepted == failed, "the retry reuses the attempt number")
    try ledger.completeTask(process, attempt: accepted, counts: JobCounts(), at: 10)
    let outputs = try StageOutputs(context: context, job: job.seq)
    let name = PartNames.run(process: me.id, attempt: accepted)
    #expect(outputs.accepted(.process, partition: 0) == name)
    #expect(!outputs.leftovers(partition: 0).contains(PartNames.artifacts(job: job.seq, partition: 0, run: name)))
    #expect(outputs.leftovers(partition: 0).contains(PartNames.manifest(job: job.seq, partition: 0, run: name)))
  }
}
