import Foundation
import LedgerConsole
import LedgerEngine
import LedgerOperations
import LedgerStorage
import LedgerTesting
import Synchronization
import Testing

@testable import ledgerline

/// The console reads on its own read-only connection and never holds up the engine.
@Suite struct ConsoleBackendPaceTests {
  static func deliver(_ h: EngineHarness, batches: Int, events: Int) throws {
    for b in 0..<batches {
      let from = String(format: "20261127T10%02d00Z", b)
      let to = String(format: "20261127T10%02d00Z", b + 1)
      let lines = (0..<events).map { e in
        eventLine(id: "b\(b)-e\(e)", order: "o\(e % 500)", amount: "1.00")
      }
      try h.deliver(source: "web", name: "\(from)_\(to).jsonl", lines: lines)
    }
  }

  @Test func theConsoleReadsThroughItsOwnConnectionNotTheEnginesWriter() throws {
    let h = try EngineHarness()
    let engineContext = try h.context()
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    defer { backend.close() }
    let consoleLedger = ObjectIdentifier(backend.reader.ledger as AnyObject)
    let engineLedger = ObjectIdentifier(engineContext.ledger as AnyObject)
    let consoleIndex = ObjectIdentifier(backend.reader.keyIndex as AnyObject)
    let engineIndex = ObjectIdentifier(engineContext.keyIndex as AnyObject)
    #expect(consoleLedger != engineLedger)
    #expect(consoleIndex != engineIndex)
    #expect(backend.snapshot().readOnly)
  }

  /// While a console refreshes in a tight loop (no pause between snapshots), the engine still
  /// applies every batch; every snapshot is consistent (done batches only grow) and the last
  /// one shows all of them done.
  @Test func theEngineFinishesEveryBatchWhileTheConsoleRefreshesAsFastAsItCan() throws {
    let h = try EngineHarness()
    try Self.deliver(h, batches: 12, events: 400)
    let engine = try h.engine()
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(
      reader: reader.context, engine: engine, actions: nil, interval: .milliseconds(10_000))
    defer { backend.close() }
    let stop = Mutex(false)
    let observed = Mutex<[Int]>([])
    let refresher = Thread {
      while !stop.withLock({ $0 }) {
        backend.refresh()
        let done = backend.snapshot().jobs.filter { $0.state == .done }.count
        observed.withLock { $0.append(done) }
      }
    }
    refresher.start()
    let report = try engine.runUntilIdle()
    stop.withLock { $0 = true }
    while !refresher.isFinished { usleep(1_000) }
    backend.refresh()
    #expect(report.failed.isEmpty)
    let done = backend.snapshot().jobs.filter { $0.state == .done }.count
    #expect(done == report.jobsDone)
    #expect(done >= 1)
    let counts = observed.withLock { $0 }
    #expect(counts.count >= 2, "the console refreshed \(counts.count) times")
    #expect(counts == counts.sorted(), "done counts went backwards: \(counts)")
    let applied = try h.artifacts().values.reduce(0) { $0 + $1.lines.count }
    #expect(applied == 12 * 400)
  }

  @Test func theEventPaneListsIgnoredInboxEntriesAndQuarantinedInputs() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl", lines: [])
    try h.runUntilIdle()
    try "notes".write(toFile: "\(h.root)/inbox/README.txt", atomically: true, encoding: .utf8)
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    defer { backend.close() }
    backend.refresh()
    let texts = backend.snapshot().feed.map(\.text)
    #expect(
      texts.last == "ignored in the inbox: inbox/README.txt: not in a source folder: batches go in inbox/<source>/")
  }

  /// The inbox is listed for stray entries at most every 2 s, not at each 250 ms snapshot: a
  /// stray file removed shows until the listing is due again.
  @Test func strayInboxEntriesAreListedAtMostEveryTwoSeconds() throws {
    let h = try EngineHarness()
    try h.deliver(source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl", lines: [])
    try h.runUntilIdle()
    let stray = "\(h.root)/inbox/README.txt"
    try "notes".write(toFile: stray, atomically: true, encoding: .utf8)
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil, interval: .seconds(3_600))
    defer { backend.close() }
    let listed = {
      (backend.snapshot().feed.map(\.text).last ?? "").hasPrefix("ignored in the inbox: inbox/README.txt")
    }
    // The refresher's own first snapshot comes first (it must not land after the clock moves).
    for _ in 0..<500 where backend.snapshot().engineState == "starting" { usleep(10_000) }
    #expect(backend.snapshot().engineState != "starting")
    backend.refresh()
    #expect(listed())
    try FileManager.default.removeItem(atPath: stray)
    h.clock.advance(byMillis: EngineConsoleBackend.ignoredRefreshMillis - 1)
    backend.refresh()
    #expect(listed(), "listed again before its time")
    h.clock.advance(byMillis: 1)
    backend.refresh()
    #expect(!listed())
  }

  /// A read-only console beside a running engine shows the engine's state and pace from the
  /// ledger and the lock, not "no engine" and 0 ev/s.
  @Test func aReadOnlyConsoleBesideAnEngineShowsItsLiveState() throws {
    let h = try EngineHarness()
    try Self.deliver(h, batches: 3, events: 600)
    try h.runUntilIdle()  // the harness's workspace keeps holding the engine lock
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    backend.refresh()
    #expect(backend.snapshot().engineState == "idle in pid \(getpid()) (read-only here)")
    #expect(backend.snapshot().throughput == 1_800 / 60)
    backend.close()
    h.close()
    let alone = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    defer { alone.close() }
    // A process other tests spawn at this instant shares the lock's open file until its exec
    // closes it (O_CLOEXEC), so the lock may outlive `close()` by a moment: look again briefly.
    for _ in 0..<200 {
      alone.refresh()
      if alone.snapshot().engineState == "not running (read-only here)" { break }
      usleep(10_000)
    }
    #expect(alone.snapshot().engineState == "not running (read-only here)")
  }

  /// The engine may run on another host (a PostgreSQL store): the registry names it, and says
  /// when it has gone silent.
  @Test func aReadOnlyConsoleNamesTheEngineOfTheRegistryOnAnyHost() throws {
    let h = try EngineHarness()
    try Self.deliver(h, batches: 1, events: 10)
    try h.runUntilIdle()
    let elsewhere = try h.context().ledger.registerProcess(
      NewProcess(host: "ledger-b", pid: 4242, osUser: "ops"), at: h.clock.nowMillis())
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    defer { backend.close() }
    backend.refresh()
    #expect(backend.snapshot().engineState == "idle on ledger-b pid 4242 (read-only here)")
    h.clock.advance(byMillis: 41_000)
    backend.refresh()
    #expect(backend.snapshot().engineState == "no heartbeat for 41 s on ledger-b pid 4242 (read-only here)")
    try h.context().ledger.endProcess(elsewhere.id, note: "stopped", at: h.clock.nowMillis())
    backend.refresh()
    #expect(backend.snapshot().engineState == "idle in pid \(getpid()) (read-only here)")
  }

  @Test func theBackendReadsABatchsRejectedLinesWithTheirText() throws {
    let h = try EngineHarness()
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [eventLine(id: "e1", order: "o1", amount: "1.00"), #"{"id":"x","amount":1e3}"#])
    try h.runUntilIdle()
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    defer { backend.close() }
    let rejected = try backend.rejects(job: 1).get()
    #expect(rejected.count == 1)
    #expect(rejected.first?.file == "web/20261127T100000Z_20261127T101500Z.jsonl")
    #expect(rejected.first?.line == 2)
    #expect(rejected.first?.excerpt == #"{"id":"x","amount":1e3}"#)
  }
}

/// Batch detail shows where each partition of an unfinished batch is, from the ledger.
@Suite struct ConsolePartitionRowsTests {
  @Test func aBatchWithOneFailedPartitionListsEveryPartition() throws {
    let h = try EngineHarness()
    try ConsoleBackendPaceTests.deliver(h, batches: 1, events: 200)
    // Index of every partition of batch 1 fails once, for good: the batch waits at index.
    let report = try h.runUntilIdle(faults: try FaultInjector.parse("index:job=1:permanent").get())
    #expect(report.failed.map(\.seq) == [1])
    let reader = try Workspace(root: h.root, mode: .reader, clock: h.clock)
    let backend = EngineConsoleBackend(reader: reader.context, engine: nil, actions: nil)
    defer { backend.close() }
    backend.refresh()
    let row = try #require(backend.snapshot().jobs.first { $0.seq == 1 })
    #expect(row.partitions.map(\.partition) == Array(0..<h.partitions))
    #expect(row.partitions.allSatisfy { $0.stage == .index })
    for cell in row.partitions {
      guard case .failed(let error) = cell.cell else {
        Issue.record("partition \(cell.partition) is \(cell.cell), not failed")
        continue
      }
      #expect(error.contains("injected permanent fault"))
    }
    // Retried and finished, the batch has no partition line any more.
    #expect(try h.context().ledger.retry(job: 1, at: h.clock.nowMillis()))
    #expect(try h.runUntilIdle().failed.isEmpty)
    backend.refresh()
    #expect(try #require(backend.snapshot().jobs.first { $0.seq == 1 }).partitions.isEmpty)
  }
}
