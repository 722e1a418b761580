import Foundation

/// A deterministic `ledgerline generate` workload (same seed, same bytes).
struct Workload: Sendable {
  var sources: [String]
  var batches: Int
  var events: Int
  var orders: Int
  var bulkLines: Int
  var seed: UInt64

  /// Small: contract tests (2 sources × 2 batches × 200 events, a 100-line bulk order).
  static let small = Workload(
    sources: ["alpha", "beta"], batches: 2, events: 200, orders: 50, bulkLines: 100, seed: 3)

  /// Crash recovery, one job: 4 sources × 6 batches × 1500 events and a 3000-line bulk order,
  /// with bad lines and duplicates at the generator's default rates. The 24 input batches are
  /// registered by one scan and grouped into one job (backlog grouping takes up to 32).
  static let crashOneJob = Workload(
    sources: ["web-store", "marketplace", "payments", "royalties"], batches: 6, events: 1500,
    orders: 2000, bulkLines: 3000, seed: 7)

  /// Crash recovery, two jobs: 4 sources × 10 batches × 900 events. The 40 input batches make
  /// jobs of 32 and 8, so the assembly line overlaps them: a kill can land while job 1 waits
  /// for its index and job 2 is prefetched, and recovery must rebuild the in-flight overlay.
  static let crashTwoJobs = Workload(
    sources: ["web-store", "marketplace", "payments", "royalties"], batches: 10, events: 900,
    orders: 2000, bulkLines: 3000, seed: 7)

  /// Crash recovery with compaction: 2 sources × 8 batches × 400 events on 40 orders, run two
  /// inputs per job (8 jobs). Every job supersedes the summaries of most orders, so garbage
  /// piles up and compaction passes run between batches.
  static let crashChurn = Workload(
    sources: ["web-store", "payments"], batches: 8, events: 400, orders: 40, bulkLines: 0, seed: 11)

  /// What `generate --json` reported.
  struct Report: Sendable, Equatable {
    var files: Int
    var events: Int
    var badLines: Int
    var duplicateCopies: Int
    var distinctOrders: Int
  }

  /// Writes the workload into `<data>/inbox` and returns the generator's report.
  func generate(into data: String, with binary: LedgerlineBinary) throws -> Report {
    let result = try binary.run([
      "generate", "--data", data, "--sources", sources.joined(separator: ","),
      "--batches", String(batches), "--events", String(events), "--orders", String(orders),
      "--bulk-lines", String(bulkLines), "--seed", String(seed), "--bad-rate", "0.002",
      "--duplicate-rate", "0.01", "--json",
    ])
    guard result.exited(0), let line = result.stdoutLines.first else {
      throw CLITestError.notJSON(command: result.summary, line: result.stdout)
    }
    let json = try JSONLine(line, command: result.command)
    return Report(
      files: try json.int("files"), events: try json.int("events"), badLines: try json.int("bad_lines"),
      duplicateCopies: try json.int("duplicate_copies"), distinctOrders: try json.int("distinct_orders"))
  }
}
