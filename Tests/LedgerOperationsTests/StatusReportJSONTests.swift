import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import Testing

@testable import LedgerOperations

/// `status --json` through the JSON writer: field names, numbers, and `null` (never a missing
/// field) for what is not known yet.
@Suite struct StatusReportJSONTests {
  static let input = InputBatchRecord(
    id: 7,
    batch: NewInputBatch(
      source: "shop", name: "20261118T110640Z_20261118T110740Z.jsonl", from: 1_795_000_000,
      to: 1_795_000_060, bytes: 512, archivePath: "archive/shop/x.jsonl", scan: 1),
    registeredAt: 1_795_000_000_000, job: 3)

  /// A failed job (its error holds quotes and control characters) and a retrying one.
  static func report() -> StatusReport {
    var counts = JobCounts()
    counts.inputBytes = 512
    counts.events = 4
    counts.rejects = 1
    var failed = JobRecord(
      seq: 3, inputs: [7], stage: .process, status: .failed, attempts: 5, nextAttemptAt: nil,
      lastError: "disk \"full\"\n\u{01}", lastErrorKind: .transientIO, counts: counts,
      timings: [.reduce: StageTiming(startedAt: 1_795_000_000_000, endedAt: 1_795_000_000_250)],
      createdAt: 1_795_000_000_000)
    failed.totalAttempts = 9
    failed.partitions = 2
    let retrying = JobRecord(
      seq: 4, inputs: [], stage: .reduce, status: .retrying, attempts: 1,
      nextAttemptAt: 1_795_000_005_000, lastError: nil, lastErrorKind: nil, counts: JobCounts(),
      timings: [:], createdAt: 1_795_000_000_000)
    return StatusReport(
      jobs: [failed, retrying], inputs: [7: input], backlogDepth: 2, backlogBytes: 2048,
      sources: [
        StatusReport.SourceStatus(
          source: "shop",
          watermark: Watermark.compute([
            .init(from: 1_795_000_000, to: 1_795_000_060, indexed: true),
            .init(from: 1_795_000_120, to: 1_795_000_300, indexed: false),
          ])),
        StatusReport.SourceStatus(source: "till", watermark: Watermark.compute([])),
      ],
      refusals: [
        RefusedFileRecord(
          source: "shop", name: "x.jsonl", reason: "name \"x.jsonl\" does not parse", path: "refused/shop/x.jsonl",
          at: 1_795_000_000_000)
      ],
      artifacts: 12,
      events: [
        LedgerEvent(at: 1_795_000_000_000, kind: .refusal, job: nil, text: "refused \"x\"\t"),
        LedgerEvent(at: 1_795_000_060_000, kind: .failure, job: 3, text: "failed"),
      ],
      storedBytes: 4096, lastCompaction: nil,
      openPartitions: [
        3: [
          PartitionTaskRecord(
            job: 3, partition: 0,
            state: TaskState(stage: .process, status: .failed, attempts: 5, lastError: "disk \"full\"\n\u{01}"))
        ]
      ],
      processes: [
        ProcessRecord(
          id: 7, host: "ledger-a", pid: 300, osUser: "ops", startedAt: 1_795_000_000_000, heartbeatAt: 1_795_000_002_000
        ),
        ProcessRecord(
          id: 6, host: "ledger-b", pid: 200, osUser: "ops", startedAt: 1_794_999_000_000,
          heartbeatAt: 1_794_999_100_000,
          stoppedAt: 1_794_999_160_000, endNote: "stopped"),
      ],
      holding: [7: ["batch 4 reduce"], 6: ["never shown for an ended process"]],
      ranBy: [3: [.reduce: ["ledger-b pid 200"], .prefetch: ["ledger-a pid 300", "ledger-b pid 200"]]],
      readAt: 1_795_000_003_000)
  }

  @Test func everyFieldHasItsValueAndUnknownsAreNull() throws {
    let text = try Self.report().json()
    #expect(!text.contains("\n"))
    let status = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    let expected: [String: Any] = [
      "backlog": ["pending_input_batches": 2, "pending_bytes": 2048],
      "artifacts": 12,
      "storage": [
        "total_bytes": 4096, "live_bytes_at_last_compaction": NSNull(), "last_compaction_at": NSNull(),
        "last_compaction_reclaimed_bytes": NSNull(),
      ],
      "retrying": 1, "failed": 1,
      "batches": [
        [
          "batch": 3,
          "inputs": [
            [
              "source": "shop", "name": "20261118T110640Z_20261118T110740Z.jsonl",
              "from": "2026-11-18T11:06:40Z", "to": "2026-11-18T11:07:40Z", "bytes": 512,
            ]
          ],
          "stage": "process", "status": "failed",
          "stages": ["reduce": "done", "prefetch": "done", "process": "failed", "index": "pending"],
          "attempts": 5, "total_attempts": 9, "next_attempt_at": NSNull(),
          "last_error": "disk \"full\"\n\u{01}", "error_kind": "transient-io",
          "counts": [
            "input_bytes": 512, "events": 4, "keys": 0, "rejects": 1, "duplicates": 0, "lines_applied": 0,
            "artifacts_written": 0, "bytes_written": 0, "blank_lines": 0,
          ],
          "timings_ms": ["reduce": 250], "waited_ms": [:] as [String: Any],
          "ran_by": ["reduce": ["ledger-b pid 200"], "prefetch": ["ledger-a pid 300", "ledger-b pid 200"]],
          "partitions": [
            [
              "partition": 0, "stage": "process", "status": "failed", "attempts": 5,
              "last_error": "disk \"full\"\n\u{01}",
            ],
            ["partition": 1, "stage": "index", "status": "done", "attempts": 0, "last_error": NSNull()],
          ],
        ],
        [
          "batch": 4, "inputs": [] as [Any], "stage": "reduce", "status": "retrying",
          "stages": ["reduce": "retrying", "prefetch": "pending", "process": "pending", "index": "pending"],
          "attempts": 1, "total_attempts": 0, "next_attempt_at": "2026-11-18T11:06:45Z",
          "last_error": NSNull(), "error_kind": NSNull(),
          "counts": [
            "input_bytes": 0, "events": 0, "keys": 0, "rejects": 0, "duplicates": 0, "lines_applied": 0,
            "artifacts_written": 0, "bytes_written": 0, "blank_lines": 0,
          ],
          "timings_ms": [:] as [String: Any], "waited_ms": [:] as [String: Any], "partitions": [] as [Any],
          "ran_by": [:] as [String: Any],
        ],
      ],
      "sources": [
        [
          "source": "shop", "complete_through": "2026-11-18T11:07:40Z",
          "gaps": [
            [
              "from": "2026-11-18T11:07:40Z", "to": "2026-11-18T11:08:40Z", "pending": false, "quarantined": false,
              "failed_batch": NSNull(),
            ],
            [
              "from": "2026-11-18T11:08:40Z", "to": "2026-11-18T11:11:40Z", "pending": true, "quarantined": false,
              "failed_batch": NSNull(),
            ],
          ],
        ],
        ["source": "till", "complete_through": NSNull(), "gaps": [] as [Any]],
      ],
      "refused_files": [
        [
          "source": "shop", "name": "x.jsonl", "reason": "name \"x.jsonl\" does not parse",
          "path": "refused/shop/x.jsonl", "at": "2026-11-18T11:06:40Z", "moved_away": false,
        ]
      ],
      "quarantined_inputs": [] as [Any],
      "ignored_in_inbox": [] as [Any],
      "events": [
        ["at": "2026-11-18T11:06:40Z", "kind": "refusal", "batch": NSNull(), "text": "refused \"x\"\t"],
        ["at": "2026-11-18T11:07:40Z", "kind": "failure", "batch": 3, "text": "failed"],
      ],
      "processes": [
        [
          "id": 7, "host": "ledger-a", "pid": 300, "os_user": "ops", "started_at": "2026-11-18T11:06:40Z",
          "heartbeat_at": "2026-11-18T11:06:42Z", "ended_at": NSNull(), "end_note": NSNull(),
          "holding": ["batch 4 reduce"],
        ],
        [
          "id": 6, "host": "ledger-b", "pid": 200, "os_user": "ops", "started_at": "2026-11-18T10:50:00Z",
          "heartbeat_at": "2026-11-18T10:51:40Z", "ended_at": "2026-11-18T10:52:40Z", "end_note": "stopped",
          "holding": [] as [Any],
        ],
      ],
    ]
    #expect(status == expected as NSDictionary, "\(text)")
  }

  @Test func theTextNamesEachProcessWhatItRunsAndHowTheEndedOnesEnded() {
    let lines = Self.report().text().split(separator: "\n").map(String.init)
    let header = lines.firstIndex { $0.hasPrefix("PROCESS  HOST AND PID") }
    #expect(header != nil)
    guard let header else { return }
    #expect(
      lines[header + 1]
        == "7        ledger-a pid 300          ops         2026-11-18T11:06:40Z  2026-11-18T11:06:42Z (1 s ago) batch 4 reduce"
    )
    #expect(lines[header + 2].hasSuffix("ended 2026-11-18T10:52:40Z: stopped"))
    #expect(!lines[header + 2].contains("never shown"))
  }

  @Test func aCompactionFillsTheStorageFields() throws {
    var report = Self.report()
    report.lastCompaction = CompactionRecord(
      at: 1_795_000_060_000, liveBytes: 3000, totalBytesBefore: 9000, totalBytesAfter: 4096,
      deletedParts: 2, rewrittenParts: 1)
    #expect(
      try report.json().contains(
        #""storage":{"last_compaction_at":"2026-11-18T11:07:40Z","last_compaction_reclaimed_bytes":4904,"#
          + #""live_bytes_at_last_compaction":3000,"total_bytes":4096}"#))
  }
}
