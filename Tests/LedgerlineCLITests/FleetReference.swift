import Foundation
import Testing

/// What a fleet test compares with: the crash workload generated into a scratch directory, and
/// one SQLite process's run of it (`run --until-idle --max-group N`).
struct FleetReference {
  let scratch: ScratchDirectory
  /// The generated inbox, copied into each data directory a test starts.
  let inbox: String
  let run: CLIResult
  let snapshot: DataSnapshot

  var binary: LedgerlineBinary { scratch.binary }

  init(_ label: String, maxGroup: Int) throws {
    scratch = try ScratchDirectory(label)
    let generated = "\(scratch.path)/generated"
    _ = try Workload.crashTwoJobs.generate(into: generated, with: scratch.binary)
    inbox = "\(generated)/inbox"
    let data = try scratch.dataDirectory("reference", inboxFrom: inbox)
    run = try scratch.binary.run(["run", "--data", data, "--until-idle", "--max-group", String(maxGroup)])
    try #require(run.exited(0), "\(run.summary)")
    snapshot = try DataSnapshot.capture(data, with: scratch.binary)
  }
}
