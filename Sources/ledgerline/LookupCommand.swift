import ArgumentParser
import LedgerEngine
import LedgerOperations

/// `ledgerline lookup ORDER_ID`: one artifact with its lines and location.
struct LookupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lookup", abstract: "Show one artifact: location, version, balances, status, lines.")

  @OptionGroup var options: DataOptions
  @Flag(help: "Print JSON.") var json = false
  @Argument(help: "The order id (artifact key).") var orderID: String

  func run() throws {
    let workspace = try options.workspace(.reader)
    guard let view = try ArtifactQuery(context: workspace.context).lookup(orderID) else {
      printError(
        "no artifact for order \"\(orderID)\" in \(options.data) (not yet indexed, or no accepted line has this order_id)"
      )
      throw ExitCode(1)
    }
    print(
      json ? try ArtifactRendering.json(view, withLines: true) : ArtifactRendering.text(view),
      terminator: json ? "\n" : "")
  }
}
