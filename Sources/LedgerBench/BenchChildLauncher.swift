import Foundation

/// How the memory scenario runs each end-to-end measurement.
public enum BenchChildLauncher: Sendable {
  /// In this process (tests): peaks are not separate, so memory figures carry no target.
  case inProcess
  /// Re-executes `path` (the `ledgerline` binary) with the hidden
  /// `bench --child-end-to-end DIR --child-output FILE --child-compaction MODE` options; one child
  /// per measurement.
  case executable(path: String)

  /// This process's executable, from `/proc/self/exe`.
  public static func currentExecutable() -> BenchChildLauncher {
    let path =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return .executable(path: path)
  }

  /// Runs the end-to-end measurement over `root`, then the `compaction` step.
  func endToEnd(root: String, compaction: BenchEndToEnd.Compaction) throws -> BenchEndToEnd.Result {
    switch self {
    case .inProcess:
      return try BenchEndToEnd.run(root: root, compaction: compaction)
    case .executable(let path):
      let output = "\(root).result"
      let process = Process()
      process.executableURL = URL(fileURLWithPath: path)
      process.arguments = [
        "bench", "--child-end-to-end", root, "--child-output", output, "--child-compaction", compaction.rawValue,
      ]
      try process.run()
      process.waitUntilExit()
      let command = "\(path) \(process.arguments?.joined(separator: " ") ?? "")"
      guard process.terminationStatus == 0 else {
        throw BenchError.childFailed(command: command, status: process.terminationStatus, detail: "see its error above")
      }
      let text: String
      do {
        text = try String(contentsOfFile: output, encoding: .utf8)
      } catch {
        throw BenchError.badChildOutput(path: output, detail: "\(error)")
      }
      guard let result = BenchEndToEnd.Result.decode(text) else {
        throw BenchError.badChildOutput(path: output, detail: "missing or malformed field in \"\(text)\"")
      }
      return result
    }
  }
}
