import Foundation
import Testing

/// What the read commands show of a data directory after a run: the user-visible end state.
struct DataSnapshot {
  /// `export --lines --json`, verbatim.
  var export: String
  /// `rejects --json`, one line per rejected input line, without its batch (which batch a line
  /// landed in is a matter of how the backlog was grouped, which timing decides).
  var rejects: [String]
  /// `status --json`: each batch's status, in batch order.
  var batchStatuses: [String]
  var failed: Int
  var retrying: Int
  var pendingInputBatches: Int
  var artifacts: Int

  /// Runs the read commands on `data`; each must exit 0.
  static func capture(_ data: String, with binary: LedgerlineBinary, environment: [String: String] = [:]) throws
    -> DataSnapshot
  {
    let export = try binary.run(["export", "--data", data, "--lines", "--json"], environment: environment)
    try #require(export.exited(0), "\(export.summary)")
    let rejects = try binary.run(["rejects", "--data", data, "--json"], environment: environment)
    try #require(rejects.exited(0), "\(rejects.summary)")
    let status = try binary.run(
      ["status", "--data", data, "--json", "--limit", "1000000"], environment: environment)
    try #require(status.exited(0), "\(status.summary)")
    let json = try JSONLine(status.stdout, command: status.command)
    let backlog = try json.child("backlog")
    return DataSnapshot(
      export: export.stdout, rejects: try rejects.stdoutLines.map(Self.withoutBatch),
      batchStatuses: try json.children("batches").map { try $0.string("status") },
      failed: try json.int("failed"), retrying: try json.int("retrying"),
      pendingInputBatches: try backlog.int("pending_input_batches"), artifacts: try json.int("artifacts"))
  }

  /// The store's total of batches done that `run --until-idle` printed (`idle: N batches done`,
  /// or `idle: K batches done in this run (N done in the store)`), or nil.
  static func batchesDoneInStore(_ stdout: String) -> Int? {
    if let both = stdout.firstMatch(of: /^idle: [0-9]+ batch(?:es)? done in this run \(([0-9]+) done in the store\)\n$/)
    {
      return Int(both.1)
    }
    return stdout.firstMatch(of: /^idle: ([0-9]+) batch(?:es)? done\n$/).flatMap { Int($0.1) }
  }

  /// A `rejects --json` line without its leading `"batch"` member (keys are sorted: it is first).
  static func withoutBatch(_ line: String) throws -> String {
    let batch = try #require(line.firstMatch(of: /^\{"batch":[0-9]+,/), "no batch in \(line)")
    return "{" + line[batch.range.upperBound...]
  }

  /// Nil when `export` equals `other`'s byte for byte, else where they first differ. With
  /// `ignoringLocation`, each artifact's `location` is left out of the comparison: where a
  /// compaction pass moved an artifact depends on when the pass ran, which is a matter of timing
  /// (it waits for a quiet line); nothing else may differ.
  func exportDifference(from other: DataSnapshot, ignoringLocation: Bool = false) throws -> String? {
    guard export != other.export else { return nil }
    var mine = export.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var theirs = other.export.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if ignoringLocation {
      mine = try mine.map(Self.withoutLocation)
      theirs = try theirs.map(Self.withoutLocation)
    }
    for (index, (a, b)) in zip(mine, theirs).enumerated() where a != b {
      return "export line \(index + 1) differs:\n  got      \(a.prefix(400))\n  expected \(b.prefix(400))"
    }
    return mine.count == theirs.count ? nil : "export has \(mine.count) lines, expected \(theirs.count)"
  }

  /// One export line without its `location`, keys sorted.
  static func withoutLocation(_ line: String) throws -> String {
    guard !line.isEmpty else { return line }
    var object = try JSONLine(line, command: "export").object
    object["location"] = nil
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }
}
