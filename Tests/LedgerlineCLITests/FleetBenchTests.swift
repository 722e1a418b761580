import Foundation
import LedgerTesting
import Testing

extension CLISuite {
  /// `bench --scenarios 9` (issue 11): one engine process pinned to one core, then two pinned to
  /// one core each, on the same PostgreSQL backlog, with the speed-up reported against its target.
  @Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
  struct FleetBenchTests {
    static func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? 0 }

    @Test func scenarioNineRunsOneThenTwoPinnedEnginesAndDropsItsSchemas() throws {
      let scratch = try ScratchDirectory("fleet-bench")
      let url = try PostgresTestServer.url(schema: "public")
      let seed = 9_001
      let bench = try scratch.binary.start(
        [
          "bench", "--scenarios", "9", "--json", "--seed", String(seed), "--work-dir", "\(scratch.path)/bench",
          "--state", "100000", "--batch-events", "20000",
        ], environment: ["LEDGERLINE_POSTGRES": url])
      let pid = bench.pid
      let result = try bench.finish(timeout: 600)
      try #require(result.exited(0), "\(result.summary)")
      let report = try #require(
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
      let notes = report["notes"] as? [String] ?? []
      let figures = report["figures"] as? [[String: Any]] ?? []
      if let skipped = notes.first(where: { $0.hasPrefix("scenario 9") }) {
        // Only a host without taskset or a second core may skip it, and it says so.
        #expect(figures.isEmpty)
        #expect(
          skipped.contains("taskset") || skipped.contains("one core"),
          "scenario 9 skipped for another reason: \(skipped)")
        return
      }
      let wall = try #require(
        figures.first { $0["metric"] as? String == "backlog worked off by 2 processes, pinned to a core each" })
      #expect(Self.number(wall["value"]) > 0 && Self.number(wall["baseline"]) > 0)
      #expect(wall["baseline_name"] as? String == "1 process on 1 core, same run")
      // 20,000 events on 10,000 keys, the same in both configurations (the bench checks they agree).
      #expect((wall["note"] as? String ?? "").hasPrefix("20000 events (8 files) on 10000 keys against 10000 artifacts"))
      let speedUp = try #require(
        figures.first { $0["metric"] as? String == "fleet throughput speed-up, 2 processes vs 1" })
      #expect(speedUp["target"] as? String == "≥ 1.7×")
      #expect(speedUp["met"] is Bool)
      // The scratch schemas of both configurations are dropped.
      for name in ["one", "two"] {
        #expect(!(try PostgresTestServer.schemaExists("ledgerline_bench_\(pid)_\(seed)_s9\(name)")))
      }
    }
  }
}
