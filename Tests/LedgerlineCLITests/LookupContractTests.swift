import Foundation
import Testing

extension CLISuite {
  /// SPEC §3 and §6: the JSON that scripts rely on, and the errors a person acts on.
  @Suite struct LookupContractTests {
    static let artifactKeys = [
      "balance", "credits", "debits", "line_count", "lines", "location", "order_id", "status", "version",
    ]

    @Test(arguments: ["ord-00000001", "ord-00000007", "bulk-000001"])
    func lookupJSONHasTheSpecFieldsAndBalancesEqualTheSumOfItsLines(_ order: String) throws {
      let fixture = try ProcessedData("lookup")
      let artifact = try fixture.lookup(order)
      #expect(artifact.keys == Self.artifactKeys)
      #expect(try artifact.string("order_id") == order)
      #expect(try artifact.int("version") == 1)
      let location = try artifact.child("location")
      #expect(location.keys == ["file", "length", "offset"])
      let file = try location.string("file")
      #expect(file.hasPrefix("parts/a-0000000001-") && file.hasSuffix(".part"))
      #expect(FileManager.default.fileExists(atPath: "\(fixture.data)/\(file)"))
      #expect(try location.int("length") > 16)
      let lines = try artifact.children("lines")
      #expect(lines.count == (try artifact.int("line_count")))
      for line in lines {
        #expect(Set(["id", "order_id", "kind", "amount", "currency", "ts", "origin"]).isSubset(of: Set(line.keys)))
        #expect(try line.child("origin").keys == ["file", "line", "source"])
        #expect(try line.string("order_id") == order)
      }
      let expected = try ExpectedTotals(lines: lines)
      #expect(try artifact.strings("balance") == expected.balance)
      #expect(try artifact.strings("debits") == expected.debits)
      #expect(try artifact.strings("credits") == expected.credits)
      #expect(try artifact.string("status") == expected.status)
    }

    @Test func lookupOfAnUnknownOrderExitsOneAndSaysSo() throws {
      let fixture = try ProcessedData("lookup-missing")
      for flags in [[], ["--json"]] {
        let result = try fixture.binary.run(["lookup", "--data", fixture.data, "no-such-order"] + flags)
        #expect(result.exited(1), "\(result.summary)")
        #expect(result.stdout == "")
        #expect(
          result.stderr
            == "error: no artifact for order \"no-such-order\" in \(fixture.data) (not yet indexed, or no accepted line has this order_id)\n"
        )
      }
    }

    /// `rejects --batch N` of a batch that does not exist says so: an empty list would read as
    /// "no line of batch N was rejected".
    @Test func rejectsOfAnUnknownBatchExitsOneAndPointsAtStatus() throws {
      let fixture = try ProcessedData("rejects-unknown")
      for flags in [[], ["--json"]] {
        let result = try fixture.binary.run(["rejects", "--data", fixture.data, "--batch", "999"] + flags)
        #expect(result.exited(1), "\(result.summary)")
        #expect(result.stdout == "")
        #expect(result.stderr == "error: no batch 999 in \(fixture.data); `ledgerline status` lists the batches\n")
      }
      let known = try fixture.binary.run(["rejects", "--data", fixture.data, "--batch", "1"])
      #expect(known.exited(0), "\(known.summary)")
      #expect(!known.stdout.isEmpty)
    }

    /// `rejects --json` says which batch each line belongs to, as the text form does.
    @Test func rejectsAsJSONNameTheirBatch() throws {
      let fixture = try ProcessedData("rejects-json")
      let text = try fixture.binary.run(["rejects", "--data", fixture.data])
      let json = try fixture.binary.run(["rejects", "--data", fixture.data, "--json"])
      try #require(text.exited(0) && json.exited(0), "\(json.summary)")
      let lines = try json.stdoutLines.map { try JSONLine($0, command: json.command) }
      #expect(!lines.isEmpty)
      #expect(lines.count == text.stdoutLines.count)
      for (record, shown) in zip(lines, text.stdoutLines) {
        let batch = try record.int("batch")
        #expect(shown.hasPrefix("batch \(batch): \(try record.string("source"))/\(try record.string("file")):"))
        #expect(shown.contains(":\(try record.int("line")): "))
      }
    }

    @Test func exportPrintsOneLinePerArtifactInOrderIDOrderAndTheLineCountsAddUp() throws {
      let fixture = try ProcessedData("export")
      let result = try fixture.binary.run(["export", "--data", fixture.data, "--lines", "--json"])
      try #require(result.exited(0), "\(result.summary)")
      let artifacts = try result.stdoutLines.map { try JSONLine($0, command: result.command) }
      #expect(artifacts.count == fixture.report.distinctOrders)
      let orders = try artifacts.map { try $0.string("order_id") }
      #expect(zip(orders, orders.dropFirst()).allSatisfy { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
      var lineTotal = 0
      for artifact in artifacts {
        #expect(artifact.keys == Self.artifactKeys)
        let lines = try artifact.children("lines")
        #expect(lines.count == (try artifact.int("line_count")))
        lineTotal += lines.count
      }
      #expect(lineTotal == fixture.report.events)
      let status = try fixture.binary.run(["status", "--data", fixture.data, "--json"])
      let batches = try JSONLine(status.stdout, command: status.command).children("batches")
      let applied = try batches.map { try $0.child("counts").int("lines_applied") }.reduce(0, +)
      let rejects = try batches.map { try $0.child("counts").int("rejects") }.reduce(0, +)
      #expect(applied == fixture.report.events)
      #expect(rejects == fixture.report.badLines)
      let summaries = try fixture.binary.run(["export", "--data", fixture.data, "--json"])
      let withoutLines = try summaries.stdoutLines.map { try JSONLine($0, command: summaries.command) }
      #expect(try withoutLines.map { try $0.string("order_id") } == orders)
      #expect(withoutLines.allSatisfy { $0.object["lines"] == nil })
    }

    /// A line that passes the line rules but would overflow its order's balance is rejected when
    /// processed: it is one of EVENTS and one of REJECTS, and not APPLIED. The text says how
    /// many lines were applied and how many were blank, so a file's lines add up:
    /// APPLIED + DUPS + REJECTS + BLANK.
    @Test func statusShowsAppliedLinesSoAFilesLinesAddUp() throws {
      let scratch = try ScratchDirectory("status-applied")
      let data = "\(scratch.path)/data"
      let line = { (id: String, amount: String) in
        #"{"id":"\#(id)","order_id":"o","kind":"charge","amount":"\#(amount)","currency":"JPY","ts":"2026-01-01T00:00:30Z"}"#
      }
      try FileManager.default.createDirectory(atPath: "\(data)/inbox/s", withIntermediateDirectories: true)
      let text = [line("a", "9223372036854775807"), line("b", "1"), " \r", line("a", "9223372036854775807")]
      try (text.joined(separator: "\n") + "\n").write(
        toFile: "\(data)/inbox/s/20260101T000000Z_20260101T000100Z.jsonl", atomically: true, encoding: .utf8)
      let run = try scratch.binary.run(["run", "--data", data, "--until-idle"])
      try #require(run.exited(0), "\(run.summary)")
      let json = try scratch.binary.run(["status", "--data", data, "--json"])
      let counts = try #require(try JSONLine(json.stdout, command: json.command).children("batches").first)
        .child("counts")
      #expect(try counts.int("events") == 3)
      #expect(try counts.int("lines_applied") == 1)
      #expect(try counts.int("duplicates") == 1)
      #expect(try counts.int("rejects") == 1)
      #expect(try counts.int("blank_lines") == 1)
      let status = try scratch.binary.run(["status", "--data", data])
      let lines = status.stdout.split(separator: "\n").map(String.init)
      let header = try #require(lines.firstIndex { $0.hasPrefix("BATCH ") })
      #expect(lines[header].contains("EVENTS  APPLIED    KEYS  REJECTS  DUPS  BLANK"), "\(status.stdout)")
      let row = lines[header + 1].split(separator: " ").map(String.init)
      // BATCH, four stages, then EVENTS APPLIED KEYS REJECTS DUPS BLANK.
      #expect(Array(row[5...10]) == ["3", "1", "1", "1", "1", "1"], "\(status.stdout)")
    }

    @Test(arguments: [
      ["status"], ["status", "--json"], ["export", "--lines", "--json"], ["rejects", "--json"],
      ["lookup", "ord-00000001"],
    ])
    func readingCommandsOnAMissingDataDirectoryExitNonZeroNamingIt(_ command: [String]) throws {
      let scratch = try ScratchDirectory("missing")
      let data = "\(scratch.path)/nowhere"
      let result = try scratch.binary.run([command[0], "--data", data] + command.dropFirst())
      #expect(result.exited(1), "\(result.summary)")
      #expect(result.stdout == "")
      #expect(
        result.stderr
          == "error: no Ledgerline data directory at \(data) (no ledger.sqlite); run `ledgerline run --data \(data)` or `ledgerline demo` first, or pass --data DIR\n"
      )
      #expect(!FileManager.default.fileExists(atPath: data), "a reading command created \(data)")
    }
  }
}
