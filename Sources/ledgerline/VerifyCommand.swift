import ArgumentParser
import LedgerOperations

/// `ledgerline verify`: a read-only integrity check of a data directory (issue 12).
struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check that nothing is lost or doubled: live records, part files, archived inputs.",
    discussion: """
      Reads every live artifact record (checksums, and that summaries agree with their index \
      entries and lines), checks that every part file the index needs exists, and that every \
      archived input batch has its recorded size and SHA-256. Writes nothing. Prints the whole \
      report, then exits 0 when the store is whole and 1 when a problem was found.
      """)

  @OptionGroup var options: DataOptions
  @Flag(help: "Print JSON.") var json = false

  func run() throws {
    let workspace = try options.workspace(.reader)
    let report = try StoreVerifier(context: workspace.context).run()
    print(json ? try report.json() : report.text(), terminator: json ? "\n" : "")
    if !report.isWhole { throw ExitCode(1) }
  }
}
