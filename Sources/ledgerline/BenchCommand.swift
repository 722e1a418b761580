import ArgumentParser

/// `ledgerline bench`: the benchmark of SPEC §8.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Run the benchmark (batch vs transactional, throughput, memory, lookups).")

  func run() throws {
    printError("the benchmark is not built yet (issue 5)")
    throw ExitCode(1)
  }
}
