import Foundation
import LedgerDomain
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

/// The engine registers itself in the store's process registry while it runs, beats while it
/// works, records itself on every attempt it begins, and ends its record when it stops; one that
/// was killed is ended as gone by the next engine (which holds the store's lock).
@Suite struct ProcessRegistryTests {
  static func deliver(_ h: EngineHarness, _ name: String = "20261127T100000Z_20261127T101500Z.jsonl") throws {
    try h.deliver(source: "web", name: name, lines: [eventLine(id: "e-\(name)", order: "o1", amount: "1.00")])
  }

  @Test(arguments: EngineHarness.Storage.available)
  func anEngineRegistersBeatsSignsItsAttemptsAndEnds(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try Self.deliver(h)
    var options = EngineOptions()
    options.pollMillis = 0
    options.heartbeatMillis = 5
    options.compactEvery = 0
    // Each task moves the clock on and lasts long enough for a few heartbeats.
    options.beforeTask = { [clock = h.clock] _ in
      clock.advance(byMillis: 1_000)
      Thread.sleep(forTimeInterval: 0.05)
    }
    let started = h.clock.nowMillis()
    let report = try Engine(context: try h.context(), options: options).runUntilIdle()
    #expect(report.failed.isEmpty)
    let ledger = try h.context().ledger
    let processes = try ledger.processes(recentlyEnded: 10)
    try #require(processes.count == 1)
    let me = processes[0]
    #expect(me.host == ProcessIdentity.host && me.pid == getpid() && me.osUser == ProcessIdentity.osUser)
    #expect(me.startedAt == started && me.endNote == "stopped" && me.stoppedAt != nil)
    #expect(me.heartbeatAt > me.startedAt, "no heartbeat while the tasks ran")
    let runs = try ledger.stageRuns(job: 1)
    #expect(runs.count == 1 + 3 * h.partitions)
    #expect(runs.allSatisfy { $0.process == me.id })
  }

  @Test(arguments: EngineHarness.Storage.available)
  func aProcessThatNeverStoppedIsEndedAsGoneByTheNextEngine(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    let ledger = try h.context().ledger
    let killed = try ledger.registerProcess(
      NewProcess(host: "elsewhere", pid: 4242, osUser: "ops"), at: 1_790_000_000_000)
    // It had registered the input, made the job and begun its reduce when it was killed.
    try Self.deliver(h)
    try h.engine().scanInbox()
    let job = try ledger.createJob(inputs: [1], partitions: h.partitions, at: h.clock.nowMillis())
    _ = try ledger.beginTask(.reduce(job.seq), at: h.clock.nowMillis(), by: killed.id)
    try h.runUntilIdle()
    // One engine at a time (SQLite, in memory): the next engine holds the engine lock, so the
    // process is gone. A fleet's store (PostgreSQL): it is gone once no session of it holds the
    // store (it never connected here).
    let note =
      ledger.admitsSeveralEngines
      ? "presumed gone: its connection to the store is gone (killed or crashed); last heartbeat 2026-09-21T14:13:20Z"
      : "gone without stopping (killed or crashed); last heartbeat 2026-09-21T14:13:20Z"
    let interrupted = try #require(try ledger.stageRuns(job: job.seq).first)
    #expect(interrupted.process == killed.id && interrupted.outcome == "interrupted")
    #expect(interrupted.error == "the process running this attempt was found gone: \(note)")
    #expect(try ledger.job(job.seq)?.status == .done)
    let processes = try ledger.processes(recentlyEnded: 10)
    #expect(processes.map(\.id) == [killed.id, killed.id + 1])
    let gone = processes[0]
    #expect(gone.stoppedAt != nil)
    #expect(gone.endNote == note)
    #expect(processes[1].endNote == "stopped")
  }
}

/// Several processes share a PostgreSQL store: a claim can be lost to another one between the
/// scheduler's decision and the ledger's `beginTask`.
@Suite struct LostClaimTests {
  @Test func aClaimLostToAnotherProcessIsDecidedAgainNotAFailure() throws {
    let h = try EngineHarness(storage: .inMemory)
    try ProcessRegistryTests.deliver(h)
    var context = try h.context()
    let losing = ClaimLosingLedger(context.ledger, losing: 5)
    context.ledger = losing
    var options = EngineOptions()
    options.pollMillis = 0
    let report = try Engine(context: context, options: options).runUntilIdle()
    #expect(report.failed.isEmpty && report.jobsDone == 1)
    #expect(losing.losses.withLock { $0 } == 5)
    #expect(try h.artifacts()["o1"]?.lines.count == 1)
  }

  @Test func aSchedulerThatKeepsChoosingARefusedTaskIsAnError() throws {
    let h = try EngineHarness(storage: .inMemory)
    try ProcessRegistryTests.deliver(h)
    var context = try h.context()
    context.ledger = ClaimLosingLedger(context.ledger, losing: Int.max)
    var options = EngineOptions()
    options.pollMillis = 0
    #expect(throws: LedgerError.self) { try Engine(context: context, options: options).runUntilIdle() }
  }
}

/// The scheduler as the engine builds it from a shared ledger: a partition whose prefetch another
/// live process ran is left to that process until its lease runs out.
@Suite struct HeldElsewhereTests {
  @Test func aPartitionPrefetchedByAnotherLiveProcessIsNotSentBackUntilItsLeaseRunsOut() throws {
    let h = try EngineHarness(storage: .inMemory)
    let ledger = try h.context().ledger
    _ = try ledger.register(
      [
        NewInputBatch(
          source: "web", name: "a.jsonl", from: 0, to: 60, bytes: 5, archivePath: "archive/web/a.jsonl", scan: 1)
      ], at: h.clock.nowMillis())
    let job = try ledger.createJob(inputs: [1], partitions: 2, at: h.clock.nowMillis())
    let other = try ledger.registerProcess(NewProcess(host: "ledger-b", pid: 7, osUser: "ops"), at: h.clock.nowMillis())
    for task in [TaskRef.reduce(job.seq), .partition(0, of: job.seq, .prefetch)] {
      let attempt = try ledger.beginTask(task, at: h.clock.nowMillis(), by: other.id)
      try ledger.completeTask(task, attempt: attempt, counts: JobCounts(), at: h.clock.nowMillis())
    }
    let key = PartitionKey(job: job.seq, partition: 0)
    var options = EngineOptions()
    options.leaseMillis = 15_000
    let engine = Engine(context: try h.context(), options: options)
    #expect(try engine.scheduler().heldElsewhere == [key])
    #expect(!(try engine.scheduler().decide().contains(.rewind(key))))
    // Heard from in time: still its.
    h.clock.advance(byMillis: 10_000)
    try ledger.heartbeat(process: other.id, at: h.clock.nowMillis())
    h.clock.advance(byMillis: 10_000)
    #expect(try engine.scheduler().heldElsewhere == [key])
    // Silent past its lease: the partition goes back to prefetch here.
    h.clock.advance(byMillis: 5_001)
    #expect(try engine.scheduler().heldElsewhere.isEmpty)
    #expect(try engine.scheduler().decide().first == .rewind(key))
  }
}
