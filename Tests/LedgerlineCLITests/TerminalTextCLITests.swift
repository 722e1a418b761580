import Foundation
import Testing

extension CLISuite {
  /// Issue 12, item 9: text from input files, file names and typed arguments reaches the
  /// operator's terminal only with its control characters, DEL, C1 controls and bidirectional
  /// overrides shown as visible `\u{X}` escapes; `--json` keeps the exact values.
  @Suite struct TerminalTextCLITests {
    static let jsonFile = "20260101T000000Z_20260101T010000Z.jsonl"
    static let csvFile = "20260101T010000Z_20260101T020000Z.csv"
    static let order = "o\u{1B}[7m1"

    /// An inbox whose accepted and rejected lines, file names and source folder hold escapes.
    static func inbox(in scratch: ScratchDirectory) throws -> String {
      let inbox = "\(scratch.path)/inbox"
      let lines = [
        #"{"id":"e\u001b[31m1","order_id":"o\u001b[7m1","kind":"correction","amount":"-1.00","currency":"USD","#
          + #""ts":"2026-01-01T00:00:00Z","reason":"fee\u001b]0;pwned\u0007\nsee","author":"\u202eann","#
          + #""memo":"\u001b[31mred","note":"\u009b2J"}"#,
        #"{"id":"r1","order_id":"o2","kind":"\u001b[2Jcharge","amount":"1.00","currency":"USD","ts":"2026-01-01T00:00:00Z"}"#,
      ]
      try write(lines.joined(separator: "\n") + "\n", to: "\(inbox)/shop/\(jsonFile)")
      try write(
        "order_id,amount,currency\nord-csv,1.00,U\u{1B}SD\nord-csv,1.0\u{9B},USD\n", to: "\(inbox)/shop/\(csvFile)")
      try write("", to: "\(inbox)/shop/\u{1B}[31mevil.jsonl")
      try write("", to: "\(inbox)/Bad\u{1B}[5msrc/\(jsonFile)")
      try write("", to: "\(inbox)/\u{1B}[1mloose.jsonl")
      return inbox
    }

    static func write(_ text: String, to path: String) throws {
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try #require(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    }

    /// The scalars a terminal could obey, found in `output` (line feeds excepted).
    static func unsafeScalars(_ output: String) -> [String] {
      output.unicodeScalars.filter { scalar in
        let v = scalar.value
        return (v < 0x20 && v != 0x0A) || (0x7F...0x9F).contains(v) || v == 0x200E || v == 0x200F
          || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
      }.map { "U+" + String($0.value, radix: 16, uppercase: true) }
    }

    @Test func lookupStatusRejectsAndTheEngineLogPrintNoControlCharactersFromStoredData() throws {
      let scratch = try ScratchDirectory("terminal-text")
      let data = try scratch.dataDirectory("data", inboxFrom: try Self.inbox(in: scratch))
      let binary = scratch.binary

      let run = try binary.run(["run", "--data", data, "--until-idle", "--log-level", "debug"])
      try #require(run.exited(0), "\(run.summary)")
      #expect(run.stdout == "idle: 1 batch done\n")
      #expect(Self.unsafeScalars(run.stderr) == [], "\(run.stderr)")
      #expect(run.stderr.contains(#"refused shop/\u{1B}[31mevil.jsonl: input file "\u{1B}[31mevil.jsonl" refused"#))
      #expect(run.stderr.contains(#"ignored inbox/\u{1B}[1mloose.jsonl: not in a source folder"#), "\(run.stderr)")

      let lookup = try binary.run(["lookup", "--data", data, Self.order])
      #expect(lookup.exited(0), "\(lookup.summary)")
      #expect(Self.unsafeScalars(lookup.stdout) == [], "\(lookup.stdout)")
      let rows = lookup.stdout.split(separator: "\n").map(String.init)
      #expect(rows.first == #"order o\u{1B}[7m1  status open  version 1  lines 1"#)
      #expect(
        rows.last
          == #"  e\u{1B}[31m1  correction  -1.00 USD  2026-01-01T00:00:00Z  shop/"# + Self.jsonFile
          + #":1  reason: fee\u{1B}]0;pwned\u{7}\u{A}see  author: \u{202E}ann"#)

      let status = try binary.run(["status", "--data", data])
      #expect(status.exited(0), "\(status.summary)")
      #expect(Self.unsafeScalars(status.stdout) == [], "\(status.stdout)")
      #expect(status.stdout.contains(#"  shop/\u{1B}[31mevil.jsonl: input file "\u{1B}[31mevil.jsonl" refused: "#))
      #expect(status.stdout.contains(#"  Bad\u{1B}[5msrc/"# + Self.jsonFile + #": inbox directory "Bad\u{1B}[5msrc""#))

      let rejects = try binary.run(["rejects", "--data", data])
      #expect(rejects.exited(0), "\(rejects.summary)")
      #expect(Self.unsafeScalars(rejects.stdout) == [], "\(rejects.stdout)")
      #expect(
        rejects.stdoutLines.map { $0.components(separatedBy: " is not").first ?? $0 } == [
          #"batch 1: shop/"# + Self.jsonFile + #":2: kind "\u{1B}[2Jcharge""#,
          #"batch 1: shop/"# + Self.csvFile + #":2: currency "U\u{1B}SD""#,
          #"batch 1: shop/"# + Self.csvFile + #":3: amount "1.0\u{9B}""#,
        ])
    }

    @Test func jsonOutputKeepsTheExactStoredValues() throws {
      let scratch = try ScratchDirectory("terminal-json")
      let data = try scratch.dataDirectory("data", inboxFrom: try Self.inbox(in: scratch))
      let run = try scratch.binary.run(["run", "--data", data, "--until-idle"])
      try #require(run.exited(0), "\(run.summary)")
      let lookup = try scratch.binary.run(["lookup", "--data", data, Self.order, "--json"])
      let artifact = try JSONLine(lookup.stdout, command: lookup.command)
      #expect(try artifact.string("order_id") == Self.order)
      let line = try #require(try artifact.children("lines").first)
      #expect(try line.string("id") == "e\u{1B}[31m1")
      #expect(try line.string("reason") == "fee\u{1B}]0;pwned\u{7}\nsee")
      #expect(try line.string("author") == "\u{202E}ann")
      #expect(try line.string("memo") == "\u{1B}[31mred")
      let rejects = try scratch.binary.run(["rejects", "--data", data, "--json"])
      let reasons = try rejects.stdoutLines.map { try JSONLine($0, command: rejects.command).string("reason") }
      #expect(reasons.first?.hasPrefix("kind \"\u{1B}[2Jcharge\"") == true, "\(reasons)")
    }

    @Test func errorMessagesQuotingTypedValuesShowThemEscaped() throws {
      let scratch = try ScratchDirectory("terminal-errors")
      let data = try scratch.dataDirectory("data", inboxFrom: try Self.inbox(in: scratch))
      let run = try scratch.binary.run(["run", "--data", data, "--until-idle"])
      try #require(run.exited(0), "\(run.summary)")

      let missing = try scratch.binary.run(["lookup", "--data", data, "\u{1B}[2Jnope\n"])
      #expect(missing.exited(1), "\(missing.summary)")
      #expect(
        missing.stderr
          == #"error: no artifact for order "\u{1B}[2Jnope\u{A}" in "# + data
          + " (not yet indexed, or no accepted line has this order_id)\n")

      let badArgument = try scratch.binary.run(["retry", "--data", data, "\u{1B}[2J7"])
      #expect(badArgument.exited(64), "\(badArgument.summary)")
      #expect(Self.unsafeScalars(badArgument.stderr) == [], "\(badArgument.stderr)")
      #expect(badArgument.stderr.contains(#"\u{1B}[2J7"#), "\(badArgument.stderr)")
    }
  }
}
