import Foundation
import Testing

extension CLISuite {
  /// SPEC §4 and §6: a permanent failure waits for an operator; `retry` resumes it.
  @Suite struct RetryTests {
    @Test func retryOfADoneBatchExitsOneAndSaysItIsNotFailed() throws {
      let fixture = try ProcessedData("retry-done")
      let result = try fixture.binary.run(["retry", "--data", fixture.data, "1"])
      #expect(result.exited(1), "\(result.summary)")
      #expect(result.stdout == "")
      #expect(result.stderr == "error: batch 1 is done at index, not failed; nothing to retry\n")
      #expect(!FileManager.default.fileExists(atPath: "\(fixture.data)/audit.log"))
    }

    @Test func retryOfAnUnknownBatchExitsOneAndPointsAtStatus() throws {
      let fixture = try ProcessedData("retry-unknown")
      let result = try fixture.binary.run(["retry", "--data", fixture.data, "7"])
      #expect(result.exited(1), "\(result.summary)")
      #expect(result.stderr == "error: no batch 7 in \(fixture.data); `ledgerline status` lists the batches\n")
    }

    @Test func permanentFaultWaitsForAnOperatorAndRetryFinishesWithTheRightArtifacts() throws {
      let fixture = try ProcessedData("retry-permanent", run: false)
      let binary = fixture.binary
      let failed = try binary.run([
        "run", "--data", fixture.data, "--until-idle", "--inject-faults", "process:job=1:permanent",
      ])
      #expect(failed.exited(2), "\(failed.summary)")
      // The engine logs to stderr (swift-log, default level info); the summary comes last.
      let stderrLines = failed.stderr.split(separator: "\n").map(String.init)
      #expect(
        stderrLines.last
          == "error: batch 1 failed at process: injected permanent fault (job 1, attempt 1); fix the cause, then `ledgerline retry 1 --data \(fixture.data)`"
      )
      #expect(
        stderrLines.contains {
          $0.contains(" error ledgerline.engine: batch=1 kind=failure [LedgerEngine] batch 1 partition ")
            && $0.contains(" process failed after 1 attempt")
        }, "\(failed.stderr)")
      let status = try JSONLine(
        try binary.run(["status", "--data", fixture.data, "--json"]).stdout, command: "status --json")
      #expect(try status.int("failed") == 1)
      let batch = try #require(try status.children("batches").first)
      #expect(try batch.string("status") == "failed")
      #expect(try batch.string("stage") == "process")
      #expect(try batch.string("error_kind") == "injected-permanent")
      // Its inputs' intervals wait for an operator, not for the engine: the gaps say which batch to retry.
      let gaps = try status.children("sources").flatMap { try $0.children("gaps") }
      #expect(!gaps.isEmpty && gaps.allSatisfy { (try? $0.int("failed_batch")) == 1 }, "\(gaps.map(\.object))")
      let text = try binary.run(["status", "--data", fixture.data])
      #expect(text.stdout.contains(" failed (`ledgerline retry 1`)"), "\(text.stdout)")

      let retry = try binary.run(["retry", "--data", fixture.data, "1"])
      #expect(retry.exited(0), "\(retry.summary)")
      #expect(retry.stdout == "batch 1 will run process again\n")
      let audit = try String(contentsOfFile: "\(fixture.data)/audit.log", encoding: .utf8)
      let records = try audit.split(separator: "\n").map { try JSONLine(String($0), command: "audit.log") }
      try #require(records.count == 2, "audit.log: \(audit)")
      for (record, outcome) in zip(records, ["requested", "queued"]) {
        #expect(try record.string("action") == "retry")
        #expect(try record.string("batch") == "1")
        #expect(try record.string("os_user") == CorrectionTests.osUser)
        #expect(try record.child("details").string("outcome") == outcome)
      }

      let resumed = try binary.run(["run", "--data", fixture.data, "--until-idle"])
      #expect(resumed.exited(0), "\(resumed.summary)")
      #expect(resumed.stdout == "idle: 1 batch done\n")
      let reference = try ProcessedData("retry-reference")
      let expected = try DataSnapshot.capture(reference.data, with: reference.binary)
      let actual = try DataSnapshot.capture(fixture.data, with: binary)
      // Part files are named by the attempt that wrote them: `location` differs, nothing else.
      let difference = try actual.exportDifference(from: expected, ignoringLocation: true)
      #expect(difference == nil, "\(difference ?? "")")
      #expect(actual.rejects == expected.rejects)
      #expect(actual.batchStatuses == ["done"])
    }
  }
}
