import ArgumentParser
import LedgerEngine
import LedgerWorkload
import LedgerOperations

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
      print(JSONText.object([
        ("files", String(report.files.count)), ("events", String(report.events)),
        ("bulk_lines", String(report.bulkLines)), ("corrections", String(report.corrections)),
        ("duplicate_copies", String(report.duplicateCopies)), ("bad_lines", String(report.badLines)),
        ("distinct_orders", String(report.distinctOrders)), ("bytes", String(report.bytes)),
      ]))
    } else {
      print("wrote \(report.files.count) batch files to \(options.data)/inbox: \(report.events) events (\(report.bulkLines) in the bulk order), \(report.duplicateCopies) duplicate copies, \(report.badLines) bad lines, \(report.distinctOrders) orders, \(report.bytes) bytes")
    }
  }
}
