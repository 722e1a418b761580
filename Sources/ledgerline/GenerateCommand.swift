import ArgumentParser
import LedgerEngine
import LedgerSystem
import LedgerWorkload

/// `ledgerline generate`: realistic input batches into the inbox.
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write realistic input batches (sources, Zipf-skewed orders, a bulk order, bad lines, duplicates).")

  @OptionGroup var options: DataOptions
  @Option(help: "Random seed: the same seed writes the same bytes.") var seed: UInt64 = 1
  @Option(help: "Comma-separated source names.") var sources = GeneratorOptions.defaultSources.joined(separator: ",")
  @Option(help: "Batches per source.") var batches = 10
  @Option(help: "Events per batch.") var events = 20_000
  @Option(help: "Distinct orders.") var orders = 200_000
  @Option(help: "Zipf exponent of order popularity.") var zipf = 1.1
  @Option(help: "Lines of the one bulk order, spread over the batches (0: none).") var bulkLines = 1_000_000
  @Option(help: "Fraction of bad lines.") var badRate = 0.002
  @Option(help: "Fraction of re-sent events (same id).") var duplicateRate = 0.01
  @Option(help: "Fraction of correction lines.") var correctionRate = 0.001
  @Option(help: "Every Nth batch of a source as CSV (0: never).") var csvEvery = 0
  @Option(help: "Seconds each batch covers.") var batchSeconds: Int64 = 60
  @Option(help: "Start instant, seconds since the epoch.") var start: Int64 = GeneratorOptions.defaultStart
  @Flag(help: "Print the report as JSON.") var json = false

  func run() throws {
    let generatorOptions = GeneratorOptions(
      seed: seed, sources: sources.split(separator: ",").map(String.init), batchesPerSource: batches,
      eventsPerBatch: events, orderCount: orders, zipfExponent: zipf, bulkOrderLines: bulkLines,
      badLineRate: badRate, duplicateRate: duplicateRate, correctionRate: correctionRate,
      csvEvery: csvEvery, start: start, batchSeconds: batchSeconds)
    if let problem = generatorOptions.problem() { throw ValidationError(problem.description) }
    let report = try WorkloadGenerator(options: generatorOptions).write(toInbox: "\(options.data)/inbox")
    if json {
      print(try JSONOutput.line(ReportJSON(report)))
    } else {
      print(
        "wrote \(report.files.count) batch files to \(TerminalText.escaped(options.data))/inbox: \(report.events) events (\(report.bulkLines) in the bulk order), \(report.duplicateCopies) duplicate copies, \(report.badLines) bad lines, \(report.distinctOrders) orders, \(report.bytes) bytes"
      )
    }
  }
}

extension GenerateCommand {
  /// `generate --json`: what was written, as counts.
  struct ReportJSON: Encodable {
    var files: Int
    var events: Int
    var bulkLines: Int
    var corrections: Int
    var duplicateCopies: Int
    var badLines: Int
    var distinctOrders: Int
    var bytes: Int

    enum CodingKeys: String, CodingKey {
      case bulkLines = "bulk_lines", duplicateCopies = "duplicate_copies", badLines = "bad_lines"
      case distinctOrders = "distinct_orders"
      case files, events, corrections, bytes
    }

    init(_ r: GenerationReport) {
      files = r.files.count
      events = r.events
      bulkLines = r.bulkLines
      corrections = r.corrections
      duplicateCopies = r.duplicateCopies
      badLines = r.badLines
      distinctOrders = r.distinctOrders
      bytes = r.bytes
    }
  }
}
