import Foundation
import LedgerTesting
import Testing

extension CLISuite {
  /// `--postgres URL` and `LEDGERLINE_POSTGRES` (issue 11): the workflow ledger and the key index
  /// in PostgreSQL, everything else in the data directory, and every command working on it as on
  /// the embedded store.
  @Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
  struct PostgresStoreTests {
    /// A scratch directory whose `generated/inbox` holds the small workload, and its binary.
    static func generated(_ label: String) throws -> (ScratchDirectory, LedgerlineBinary, inbox: String) {
      let scratch = try ScratchDirectory(label)
      let generated = "\(scratch.path)/generated"
      _ = try Workload.small.generate(into: generated, with: scratch.binary)
      return (scratch, scratch.binary, "\(generated)/inbox")
    }

    @Test func everyCommandWorksOnAPostgresStoreAndTheExportEqualsTheEmbeddedOne() throws {
      let (scratch, binary, inbox) = try Self.generated("pg-store")
      let embedded = try scratch.dataDirectory("embedded", inboxFrom: inbox)
      let served = try scratch.dataDirectory("served", inboxFrom: inbox)
      let url = try PostgresTestServer.url(schema: scratch.schema(for: served))

      let reference = try binary.run(["run", "--data", embedded, "--until-idle"])
      try #require(reference.exited(0), "\(reference.summary)")
      // The flag on the engine, the variable on the readers: both name the same store.
      let run = try binary.run(["run", "--data", served, "--until-idle", "--postgres", url])
      try #require(run.exited(0), "\(run.summary)")
      #expect(run.stdout == reference.stdout)
      let env = ["LEDGERLINE_POSTGRES": url]
      let expected = try DataSnapshot.capture(embedded, with: binary)
      let got = try DataSnapshot.capture(served, with: binary, environment: env)
      // Same inputs, same jobs, same part files: even the locations are the same.
      #expect(try got.exportDifference(from: expected) == nil)
      #expect(got.rejects == expected.rejects && got.batchStatuses == expected.batchStatuses)
      #expect(!FileManager.default.fileExists(atPath: "\(served)/ledger.sqlite"))
      #expect(!FileManager.default.fileExists(atPath: "\(served)/index.sqlite"))
      let marker = try String(contentsOfFile: "\(served)/store.json", encoding: .utf8)
      #expect(marker.contains(#""backend":"postgres""#))

      // status names the store and where its databases live, as text and as JSON.
      let storeID = try JSONLine(
        try String(contentsOfFile: "\(served)/store.json", encoding: .utf8), command: "store.json"
      ).string("store_id")
      let status = try binary.run(["status", "--data", served], environment: env)
      #expect(status.stdout.hasPrefix("store: \(storeID), ledger and index in postgres://"), "\(status.stdout)")
      let statusJSON = try JSONLine(
        try binary.run(["status", "--data", served, "--json"], environment: env).stdout, command: "status --json")
      #expect(try statusJSON.child("store").string("id") == storeID)
      #expect(try statusJSON.child("store").string("backend") == "postgres")
      #expect(try statusJSON.child("store").string("location").contains("(schema \(scratch.schema(for: served)))"))
      let embeddedStatus = try JSONLine(
        try binary.run(["status", "--data", embedded, "--json"]).stdout, command: "status --json")
      #expect(try embeddedStatus.child("store").string("backend") == "sqlite")

      let lookup = try binary.run(["lookup", "--data", served, "ord-00000001", "--json"], environment: env)
      #expect(lookup.exited(0), "\(lookup.summary)")
      let verify = try binary.run(["verify", "--data", served], environment: env)
      #expect(verify.exited(0), "\(verify.summary)")

      // An operator's correction from "another host": the variable only, then the engine again.
      let correct = try binary.run(
        [
          "correct", "--data", served, "--order", "ord-00000001", "--amount=-1.25", "--currency", "USD",
          "--reason", "fee", "--author", "ann",
        ], environment: env)
      #expect(correct.exited(0), "\(correct.summary)")
      let again = try binary.run(["run", "--data", served, "--until-idle"], environment: env)
      #expect(
        again.exited(0) && again.stdout == "idle: 1 batch done in this run (2 done in the store)\n", "\(again.summary)")
      let corrected = try JSONLine(
        try binary.run(["lookup", "--data", served, "ord-00000001", "--json"], environment: env).stdout,
        command: "lookup")
      #expect(try corrected.children("lines").last?.string("kind") == "correction")
    }

    @Test func aStoreIsOpenedOnlyWhereItsDatabasesLive() throws {
      let (scratch, binary, inbox) = try Self.generated("pg-identity")
      let served = try scratch.dataDirectory("served", inboxFrom: inbox)
      let embedded = try scratch.dataDirectory("embedded", inboxFrom: inbox)
      let url = try PostgresTestServer.url(schema: scratch.schema(for: served))
      try #require(try binary.run(["run", "--data", served, "--until-idle", "--postgres", url]).exited(0))
      try #require(try binary.run(["run", "--data", embedded, "--until-idle"]).exited(0))

      // A PostgreSQL store opened without its URL: nothing is created, the message says what to pass.
      let withoutURL = try binary.run(["status", "--data", served])
      #expect(withoutURL.exited(1))
      #expect(withoutURL.stderr.contains("PostgreSQL") && withoutURL.stderr.contains("--postgres"))
      #expect(!FileManager.default.fileExists(atPath: "\(served)/ledger.sqlite"))
      // The embedded store opened with a URL.
      let withURL = try binary.run(["status", "--data", embedded, "--postgres", url])
      #expect(withURL.exited(1) && withURL.stderr.contains("without --postgres"), "\(withURL.summary)")
      // A second data directory on the same schema is refused, naming the store that owns it.
      let other = try scratch.dataDirectory("other", inboxFrom: inbox)
      let shared = try binary.run(["run", "--data", other, "--until-idle", "--postgres", url])
      #expect(shared.exited(1) && shared.stderr.contains("already holds store"), "\(shared.summary)")
      // A reader on a schema where no engine ran creates nothing.
      let emptySchema = scratch.schema(for: "\(scratch.path)/nowhere")
      let nowhere = try binary.run(
        ["status", "--data", served, "--postgres", try PostgresTestServer.url(schema: emptySchema)])
      #expect(nowhere.exited(1) && nowhere.stderr.contains("no workflow ledger"), "\(nowhere.summary)")
      // A URL that cannot be used says why.
      let bad = try binary.run(["status", "--data", served, "--postgres", "mysql://x@y/z"])
      #expect(bad.exited(1) && bad.stderr.contains("expected postgres://"), "\(bad.summary)")
    }

    @Test func aSecondEngineJoinsTheStoreAcrossDataDirectoryCopiesAndARebuildIsRefused() throws {
      let (fixture, binary, inbox) = try Self.generated("pg-lock")
      let data = try fixture.dataDirectory("served", inboxFrom: inbox)
      let env = ["LEDGERLINE_POSTGRES": try PostgresTestServer.url(schema: fixture.schema(for: data))]
      try #require(try binary.run(["run", "--data", data, "--until-idle"], environment: env).exited(0))
      // A second host sees the same directory through a network file system, where a file lock
      // is not shared between hosts: a copy of the directory has a lock file of its own, as such
      // a host would. Engines share the store's lock in PostgreSQL: the second one joins.
      let mount = "\(fixture.path)/mounted-elsewhere"
      try FileManager.default.copyItem(atPath: data, toPath: mount)
      let engine = try binary.start(["run", "--data", data], environment: env)
      defer {
        engine.send(SIGTERM)
        _ = try? engine.finish(timeout: 60)
      }
      // Still running after a second: it opened the store and holds its share of the lock.
      #expect(!engine.waitForExit(upTo: 1.0), "the engine stopped by itself")
      let second = try binary.run(["run", "--data", mount, "--until-idle"], environment: env)
      #expect(second.exited(0), "\(second.summary)")
      // A rebuild needs the store to itself: refused while an engine runs, naming it.
      let rebuild = try binary.run(["rebuild", "--data", data], environment: env)
      #expect(rebuild.exited(1), "\(rebuild.summary)")
      #expect(rebuild.stderr.contains("is in use by another ledgerline process"), "\(rebuild.summary)")
      #expect(rebuild.stderr.contains("pid \(engine.pid)"), "the holder is named: \(rebuild.summary)")
    }

    @Test func rebuildMovesTheSchemaAsideAndGivesTheSameExport() throws {
      let fixture = try ProcessedData("pg-rebuild", run: false)
      let env = ["LEDGERLINE_POSTGRES": try PostgresTestServer.url(schema: fixture.scratch.schema(for: fixture.data))]
      try #require(try fixture.binary.run(["run", "--data", fixture.data, "--until-idle"], environment: env).exited(0))
      let before = try DataSnapshot.capture(fixture.data, with: fixture.binary, environment: env)
      let rebuild = try fixture.binary.run(["rebuild", "--data", fixture.data], environment: env)
      #expect(rebuild.exited(0), "\(rebuild.summary)")
      // The old schema keeps its rows under a new name (the store's schema name, shortened to fit
      // PostgreSQL's 63 bytes, then `_before_<time>`).
      let words = rebuild.stdout.split(whereSeparator: \.isWhitespace)
      let aside = zip(words, words.dropFirst()).first { $0.0 == "schema" }.map { String($0.1) }
      #expect(aside?.contains("_before_") == true, "\(rebuild.stdout)")
      if let aside { PostgresTestServer.drop(schema: aside) }
      let after = try DataSnapshot.capture(fixture.data, with: fixture.binary, environment: env)
      #expect(try after.exportDifference(from: before, ignoringLocation: true) == nil)
    }
  }
}
