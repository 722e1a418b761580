import Testing

/// A scratch data directory holding `Workload.small`, already run to idle.
struct ProcessedData {
  let scratch: ScratchDirectory
  let data: String
  let report: Workload.Report

  var binary: LedgerlineBinary { scratch.binary }

  /// Generates the small workload into `<scratch>/data`; runs the engine unless `run` is false.
  init(_ label: String, run: Bool = true) throws {
    scratch = try ScratchDirectory(label)
    data = "\(scratch.path)/data"
    report = try Workload.small.generate(into: data, with: scratch.binary)
    if run {
      let result = try scratch.binary.run(["run", "--data", data, "--until-idle"])
      try #require(result.exited(0), "\(result.summary)")
      try #require(result.stdout == "idle: 1 batch done\n")
    }
  }

  /// `lookup ORDER --json`, which must succeed.
  func lookup(_ order: String) throws -> JSONLine {
    let result = try binary.run(["lookup", "--data", data, order, "--json"])
    try #require(result.exited(0), "\(result.summary)")
    return try JSONLine(result.stdout, command: result.command)
  }
}
