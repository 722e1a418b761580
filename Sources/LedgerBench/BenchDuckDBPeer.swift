import Foundation
import LedgerSystem

/// The DuckDB yardstick of SPEC §8: `duckdb_peer.py` (kept in `../shared/peers/` beside the
/// package) applies the same JSON Lines files with a few set-oriented SQL statements in an
/// embedded DuckDB database and prints one JSON line of metrics per call.
struct BenchDuckDBPeer: Sendable, Equatable {
  /// The JSON line one call of the peer prints.
  struct Run: Sendable, Equatable, Decodable {
    /// DuckDB's version.
    var duckdb: String
    /// Physical lines of the files applied.
    var events: Int64
    var wallSeconds: Double
    var cpuSeconds: Double
    /// `VmHWM` of the Python process over the apply (the peer resets it first), MiB.
    var peakRSSMiB: Double
    var accepted: Int64
    var rejected: Int64
    var duplicates: Int64

    enum CodingKeys: String, CodingKey {
      case duckdb, events, accepted, rejected, duplicates
      case wallSeconds = "wall_s", cpuSeconds = "cpu_s", peakRSSMiB = "peak_rss_mb"
    }
  }

  /// Whether the peer can run here.
  enum Availability: Sendable, Equatable {
    case ready(BenchDuckDBPeer)
    /// Why not, as a sentence for the report.
    case skipped(String)
  }

  /// The interpreter (looked up on `PATH`) and the script.
  let python: String
  let script: String

  static let scriptName = "duckdb_peer.py"
  static let install = "pip install duckdb"

  /// Finds the script (`override`, or the first of ``candidates()`` that exists) and checks that
  /// `python` can import duckdb; `scratch` receives the probe's error output.
  static func availability(override: String?, python: String = "python3", scratch: String) -> Availability {
    let paths = override.map { [$0] } ?? candidates()
    guard let script = paths.first(where: FileSystem.exists) else {
      if let override { return .skipped("\(scriptName) not found at \"\(override)\" (--duckdb-peer)") }
      let looked = paths.map { "\"\($0)\"" }.joined(separator: ", ")
      return .skipped(
        "\(scriptName) not found (looked for \(looked)); pass --duckdb-peer PATH to measure DuckDB side by side")
    }
    let probe: Execution
    do {
      probe = try execute([python, "-c", "import duckdb"], stderr: "\(scratch)/duckdb-probe.stderr")
    } catch {
      return .skipped("cannot start \(python): \(error); install Python 3 and `\(install)`")
    }
    guard probe.status == 0 else {
      // 127: env found no such program (its own message says no more).
      let why =
        probe.status == 127
        ? "\(python) is not on PATH"
        : "\(python) cannot import duckdb\(probe.errorTail.isEmpty ? "" : " (\(probe.errorTail))")"
      return .skipped("\(why); install it with `\(install)` to measure DuckDB side by side")
    }
    return .ready(BenchDuckDBPeer(python: python, script: script))
  }

  /// `../shared/peers/duckdb_peer.py` from the working directory, from the package this file was
  /// built in, and from the package holding the running executable (`.build/…/ledgerline`).
  static func candidates(
    workingDirectory: String = FileManager.default.currentDirectoryPath, sourceFile: String = #filePath
  ) -> [String] {
    let relative = "../shared/peers/\(scriptName)"
    var roots = [workingDirectory]
    // Sources/LedgerBench/BenchDuckDBPeer.swift → the package root.
    roots.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent().appendingPathComponent("../..").path)
    if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
      let root = packageRoot(containing: executable)
    {
      roots.append(root)
    }
    var seen = Set<String>()
    return roots.map { URL(fileURLWithPath: "\($0)/\(relative)").standardizedFileURL.path }
      .filter { seen.insert($0).inserted }
  }

  /// The nearest directory above `path` that holds a `Package.swift`.
  static func packageRoot(containing path: String) -> String? {
    var url = URL(fileURLWithPath: path).deletingLastPathComponent()
    while url.path != "/" {
      if FileSystem.exists(url.appendingPathComponent("Package.swift").path) { return url.path }
      url.deleteLastPathComponent()
    }
    return nil
  }

  /// Applies `files` (in order) to the DuckDB database `database`, as
  /// `duckdb_peer.py --db DATABASE FILE…`; the peer's error output goes to `stderr`.
  func apply(database: String, files: [String], stderr: String) throws -> Run {
    let arguments = [python, script, "--db", database] + files
    let command = arguments.joined(separator: " ")
    let run = try Self.execute(arguments, stderr: stderr)
    guard run.status == 0 else {
      throw BenchError.peerFailed(command: command, status: run.status, detail: run.errorTail)
    }
    let text = String(decoding: run.output, as: UTF8.self)
    guard let line = text.split(separator: "\n").last(where: { !$0.isEmpty }) else {
      throw BenchError.peerFailed(command: command, status: 0, detail: "it printed nothing")
    }
    do {
      return try JSONOutput.decode(Run.self, from: line)
    } catch {
      throw BenchError.peerFailed(command: command, status: 0, detail: "unexpected output \"\(line)\": \(error)")
    }
  }

  /// A finished process: its status, standard output and the last line of its error output.
  struct Execution {
    var status: Int32
    var output: Data
    var errorTail: String
  }

  /// Runs `arguments` through `/usr/bin/env` (so `python3` is looked up on `PATH`); standard
  /// error goes to the file `stderr` (one pipe only: nothing can fill while we wait).
  static func execute(_ arguments: [String], stderr: String) throws -> Execution {
    guard FileManager.default.createFile(atPath: stderr, contents: nil),
      let errorFile = FileHandle(forWritingAtPath: stderr)
    else {
      throw BenchError.peerFailed(
        command: arguments.joined(separator: " "), status: -1, detail: "cannot create \(stderr)")
    }
    defer { try? errorFile.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = errorFile
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errors = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
    let tail = errors.split(separator: "\n").last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init) ?? ""
    return Execution(status: process.terminationStatus, output: data, errorTail: tail)
  }
}
