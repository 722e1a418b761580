import Foundation
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerPostgres

/// A key-index publish fenced by its index task: a process that lost the task (its attempt was
/// reset and begun again elsewhere) never puts locations back, whatever it had read.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
struct PostgresPublishFenceTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  static func entry(_ key: String, part: String, version: UInt64) -> IndexEntry {
    IndexEntry(orderID: key, location: ArtifactLocation(part: part, offset: 0, length: 20), version: version)
  }

  /// A ledger whose job 1 has partition 0 at index, running as attempt 1.
  static func indexing(_ ledger: PostgresWorkflowLedger) throws {
    _ = try ledger.register(
      [
        NewInputBatch(
          source: "web", name: "a.jsonl", from: 0, to: 60, bytes: 5, archivePath: "archive/web/a.jsonl", scan: 1)
      ],
      at: 1)
    _ = try ledger.createJob(inputs: [1], partitions: 1, at: 2)
    try ledger.completeTask(.reduce(1), attempt: try ledger.beginTask(.reduce(1), at: 3), counts: JobCounts(), at: 4)
    for stage in [Stage.prefetch, .process] {
      let task = TaskRef.partition(0, of: 1, stage)
      try ledger.completeTask(task, attempt: try ledger.beginTask(task, at: 5), counts: JobCounts(), at: 6)
    }
    #expect(try ledger.beginTask(.partition(0, of: 1, .index), at: 7) == 1)
  }

  @Test func aPublishUnderAnAttemptThatNoLongerRunsIsRefusedAndWritesNothing() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let ledger = try PostgresWorkflowLedger(location: location)
    let index = try PostgresKeyIndex(location: location)
    try Self.indexing(ledger)
    let current = PublishFence(job: 1, partition: 0, attempt: 1)
    try index.publish([Self.entry("o1", part: "a-1", version: 1)], eventIDs: [], fence: current)
    #expect(try index.entry(for: "o1")?.location.part == "a-1")

    // Not this attempt: refused.
    let other = PublishFence(job: 1, partition: 0, attempt: 2)
    #expect(throws: LedgerError.self) {
      try index.publish([Self.entry("o2", part: "a-1", version: 1)], eventIDs: [], fence: other)
    }
    // The process running attempt 1 is found gone: its attempt is reset, and attempt 2 begins.
    try ledger.resetInterruptedStages(at: 8)
    #expect(try ledger.beginTask(.partition(0, of: 1, .index), at: 9) == 2)
    // The stalled attempt 1 resumes with a location a compaction has since replaced: refused.
    try index.publish([Self.entry("o1", part: "c-9", version: 1)], eventIDs: [], fence: other)
    let refused = #expect(throws: LedgerError.self) {
      try index.publish([Self.entry("o1", part: "a-1", version: 1)], eventIDs: [], fence: current)
    }
    #expect(refused?.description.contains("partition 0 index") == true)
    #expect(try index.entry(for: "o1")?.location.part == "c-9")
    #expect(try index.entry(for: "o2") == nil)
    #expect(try index.count() == 1)
    // Without a fence (loaders, tools), a publish is as before.
    try index.publish([Self.entry("o3", part: "a-1", version: 1)], eventIDs: [])
    #expect(try index.count() == 2)
  }
}
