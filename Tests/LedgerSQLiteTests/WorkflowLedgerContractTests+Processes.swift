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
