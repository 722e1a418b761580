import LedgerStorage
import LedgerTesting
import Testing

/// The process registry of the `WorkflowLedger` contract: who runs an engine on the store, their
/// heartbeats and ends, and which process began each attempt.
extension WorkflowLedgerContractTests {
  @Test(arguments: Backend.available)
  func processesRegisterBeatAndEndAndAreListedRunningFirst(_ backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    #expect(try ledger.processes(recentlyEnded: 10).isEmpty)
    let a = try ledger.registerProcess(NewProcess(host: "host-a", pid: 11, osUser: "ann"), at: 1_000)
    let b = try ledger.registerProcess(NewProcess(host: "host-b", pid: 22, osUser: "bob"), at: 1_500)
    let c = try ledger.registerProcess(NewProcess(host: "host-é\u{0}", pid: 33, osUser: "cy"), at: 1_600)
    #expect(a.id < b.id && b.id < c.id)
    #expect(a == ProcessRecord(id: a.id, host: "host-a", pid: 11, osUser: "ann", startedAt: 1_000, heartbeatAt: 1_000))

    try ledger.heartbeat(process: a.id, at: 2_000)
    try ledger.heartbeat(process: a.id, at: 1_900)  // a late, older beat never moves it back
    try ledger.endProcess(b.id, note: "stopped", at: 2_100)
    try ledger.endProcess(b.id, note: "again", at: 2_200)  // ended once
    try ledger.heartbeat(process: b.id, at: 2_300)  // an ended process does not come back
    try ledger.endProcess(c.id, note: "gone without stopping", at: 2_400)

    let listed = try ledger.processes(recentlyEnded: 10)
    #expect(listed.map(\.id) == [a.id, b.id, c.id])
    #expect(listed[0].heartbeatAt == 2_000 && listed[0].stoppedAt == nil)
    #expect(listed[1].stoppedAt == 2_100 && listed[1].endNote == "stopped" && listed[1].heartbeatAt == 1_500)
    #expect(listed[2].host == "host-é\u{0}" && listed[2].endNote == "gone without stopping")
    // Running ones always; of the ended ones, the most recent.
    #expect(try ledger.processes(recentlyEnded: 1).map(\.id) == [a.id, c.id])
    #expect(try ledger.processes(recentlyEnded: 0).map(\.id) == [a.id])
  }

  @Test(arguments: Backend.available)
  func eachAttemptRecordsTheProcessThatBeganIt(_ backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    _ = try ledger.register([Self.batch("web", "a.jsonl", from: 0, to: 60)], at: 1)
    let job = try ledger.createJob(inputs: [1], partitions: 2, at: 2)
    let me = try ledger.registerProcess(NewProcess(host: "h", pid: 1, osUser: "u"), at: 3)
    let attempt = try ledger.beginTask(.reduce(job.seq), at: 10, by: me.id)
    try ledger.completeTask(.reduce(job.seq), attempt: attempt, counts: JobCounts(), at: 20)
    _ = try ledger.beginTask(.partition(1, of: job.seq, .prefetch), at: 30)
    let runs = try ledger.stageRuns(job: job.seq)
    #expect(runs.map(\.process) == [me.id, nil])
    #expect(runs.map(\.stage) == [.reduce, .prefetch])
  }
}

extension WorkflowLedgerContractTests {
  /// A process found gone (silent past its lease) is ended and only its own attempts are
  /// interrupted, in one step; its late outcomes are refused, and one heard from in time is left
  /// alone.
  @Test(arguments: Backend.available)
  func expiringAProcessInterruptsItsAttemptsOnly(_ backend: Backend) throws {
    let ledger = try backend.workflowLedger(in: directory)
    _ = try ledger.register(
      [Self.batch("web", "a.jsonl", from: 0, to: 60), Self.batch("web", "b.jsonl", from: 60, to: 120)], at: 1)
    let one = try ledger.createJob(inputs: [1], partitions: 2, at: 2)
    let two = try ledger.createJob(inputs: [2], partitions: 2, at: 2)
    let a = try ledger.registerProcess(NewProcess(host: "a", pid: 1, osUser: "u"), at: 10)
    let b = try ledger.registerProcess(NewProcess(host: "b", pid: 2, osUser: "u"), at: 10)
    try ledger.completeTask(
      .reduce(one.seq), attempt: try ledger.beginTask(.reduce(one.seq), at: 11, by: b.id), counts: JobCounts(), at: 12)
    let aPrefetch = try ledger.beginTask(.partition(0, of: one.seq, .prefetch), at: 20, by: a.id)
    _ = try ledger.beginTask(.partition(1, of: one.seq, .prefetch), at: 20, by: b.id)
    _ = try ledger.beginTask(.reduce(two.seq), at: 21, by: a.id)
    try ledger.heartbeat(process: b.id, at: 40)

    // B was heard from at 40: not silent before 40.
    #expect(try !ledger.expireProcess(b.id, silentBefore: 40, note: "silent", at: 50))
    #expect(try ledger.expireProcess(a.id, silentBefore: 40, note: "silent 30 s", at: 50))
    #expect(try !ledger.expireProcess(a.id, silentBefore: 100, note: "again", at: 60))

    let tasks = try ledger.partitionTasks(job: one.seq)
    #expect(tasks.map(\.state.status) == [.pending, .running])
    #expect(tasks[0].state.attempts == aPrefetch)
    #expect(try ledger.job(two.seq)?.status == .pending)
    // A's late outcome is refused; B's is not.
    #expect(throws: LedgerError.self) {
      try ledger.completeTask(.partition(0, of: one.seq, .prefetch), attempt: aPrefetch, counts: JobCounts(), at: 70)
    }
    try ledger.completeTask(.partition(1, of: one.seq, .prefetch), attempt: 1, counts: JobCounts(), at: 70)
    let runs = try ledger.stageRuns(job: one.seq).filter { $0.stage == .prefetch }
    #expect(runs.map(\.outcome) == ["interrupted", "ok"])
    #expect(runs[0].error == "the process running this attempt was found gone: silent 30 s")
    // Ended, and a late heartbeat does not bring it back.
    try ledger.heartbeat(process: a.id, at: 80)
    let listed = try ledger.processes(recentlyEnded: 5)
    #expect(listed.first { $0.id == a.id }?.stoppedAt == 50)
    #expect(listed.first { $0.id == a.id }?.endNote == "silent 30 s")
    #expect(listed.first { $0.id == b.id }?.stoppedAt == nil)
    // The task is claimable again, under the next attempt.
    #expect(try ledger.beginTask(.partition(0, of: one.seq, .prefetch), at: 90, by: b.id) == aPrefetch + 1)
  }
}
