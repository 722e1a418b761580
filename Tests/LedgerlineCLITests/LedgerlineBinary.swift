import Foundation

/// The real `ledgerline` executable, built next to the test bundle (`.build/<config>/ledgerline`).
struct LedgerlineBinary: Sendable {
  let path: String
  /// Where command output files go.
  let logDirectory: String

  /// Finds the binary next to the running test bundle, or throws naming every place looked at.
  init(logDirectory: String) throws {
    path = try Self.locate()
    self.logDirectory = logDirectory
  }

  /// Runs `arguments` to completion.
  func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 300) throws -> CLIResult {
    try start(arguments, environment: environment).finish(timeout: timeout)
  }

  /// Spawns `arguments` and returns at once. `LEDGERLINE_FAULTS` is not inherited: pass it in
  /// `environment` where a test wants faults.
  func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCommand {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["LEDGERLINE_FAULTS"] = nil
    env.merge(environment) { _, new in new }
    process.environment = env
    process.currentDirectoryURL = URL(fileURLWithPath: logDirectory)
    let name = UUID().uuidString
    let out = "\(logDirectory)/\(name).out"
    let err = "\(logDirectory)/\(name).err"
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    _ = FileManager.default.createFile(atPath: err, contents: nil)
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(forWritingAtPath: out)
    process.standardError = FileHandle(forWritingAtPath: err)
    let shown = environment.map { "\($0.key)=\($0.value) " }.joined()
    let command = shown + (["ledgerline"] + arguments).joined(separator: " ")
    return try RunningCommand(process: process, command: command, stdoutPath: out, stderrPath: err)
  }

  private static func locate() throws -> String {
    var starts = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
    if let executable = Bundle.main.executableURL { starts.append(executable) }
    var searched: [String] = []
    for start in starts {
      // Linux: .build/<config>/X.xctest; macOS: .build/<config>/X.xctest/Contents/MacOS/X.
      var directory = start.resolvingSymlinksInPath()
      for _ in 0..<4 {
        directory = directory.deletingLastPathComponent()
        let candidate = directory.appendingPathComponent("ledgerline").path
        if searched.contains(candidate) { continue }
        searched.append(candidate)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
          FileManager.default.isExecutableFile(atPath: candidate)
        {
          return candidate
        }
      }
    }
    throw CLITestError.binaryNotFound(searched: searched)
  }
}
