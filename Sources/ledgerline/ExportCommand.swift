import ArgumentParser
import LedgerEngine
import LedgerOperations

/// `ledgerline export`: every current artifact, one JSON object a line.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Print every current artifact, one JSON object a line.")

  @OptionGroup var options: DataOptions
  @Flag(help: "Include every line of each artifact.") var lines = false
  @Flag(help: "Print JSON (the default; accepted for symmetry).") var json = false

  func run() throws {
    let workspace = try options.workspace(.reader)
    try ArtifactQuery(context: workspace.context).forEach(withLines: lines) { view in
      print(try ArtifactRendering.json(view, withLines: lines))
    }
  }
}
