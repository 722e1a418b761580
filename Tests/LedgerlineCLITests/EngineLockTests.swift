import Foundation
import Testing

extension CLISuite {
  /// SPEC §5: "the engine refuses to run on a directory another engine holds"; read commands
  /// work alongside; SIGTERM is a graceful stop that releases the directory.
  @Suite struct EngineLockTests {
    @Test func secondEngineIsRefusedWhileReadersWorkAndSigtermReleasesTheDirectory() throws {
      let scratch = try ScratchDirectory("lock")
      let binary = scratch.binary
      let data = "\(scratch.path)/data"
      let report = try Workload.small.generate(into: data, with: binary)
      let first = try binary.run(["run", "--data", data, "--until-idle"])
      try #require(first.exited(0), "\(first.summary)")
      let before = try binary.run(["lookup", "--data", data, "ord-00000001", "--json"])
      try #require(before.exited(0), "\(before.summary)")

      let engine = try binary.start(["run", "--data", data])
      defer { engine.send(SIGKILL) }
      try waitUntilLockNames(engine, lockFile: "\(data)/engine.lock")

      let second = try binary.run(["run", "--data", data, "--until-idle"])
      #expect(second.exited(1), "\(second.summary)")
      #expect(second.stdout == "")
      #expect(
        second.stderr
          == "error: data directory \(data) is in use by another ledgerline engine (pid \(engine.pid)); watch it with `ledgerline console --read-only`, stop it first, or use another --data\n"
      )

      let status = try binary.run(["status", "--data", data, "--json"])
      #expect(status.exited(0), "\(status.summary)")
      #expect(try JSONLine(status.stdout, command: status.command).int("artifacts") == report.distinctOrders)
      let lookup = try binary.run(["lookup", "--data", data, "ord-00000001", "--json"])
      #expect(lookup.exited(0), "\(lookup.summary)")
      #expect(lookup.stdout == before.stdout)

      engine.send(SIGTERM)
      let stopped = try engine.finish(timeout: 120)
      #expect(stopped.exited(0), "\(stopped.summary)")

      let next = try binary.run(["run", "--data", data, "--until-idle"])
      #expect(next.exited(0), "\(next.summary)")
      // Nothing was left for it: the store holds the one batch the first engine finished.
      #expect(next.stdout == "idle: 0 batches done in this run (1 done in the store)\n")
    }

    /// Polls `engine.lock` until it holds the engine's pid (a stale pid from an earlier run
    /// may be there before). Gives up only if the engine exits or hangs for a minute.
    private func waitUntilLockNames(_ engine: RunningCommand, lockFile: String) throws {
      let expected = "\(engine.pid)"
      for _ in 0..<6_000 {
        let text = (try? String(contentsOfFile: lockFile, encoding: .utf8)) ?? ""
        if text.trimmingCharacters(in: .whitespacesAndNewlines) == expected { return }
        if !engine.process.isRunning {
          throw CLITestError.exitedEarly(try engine.finish().summary)
        }
        usleep(10_000)
      }
      throw CLITestError.hung(command: "waiting for \(lockFile) to hold pid \(expected)", seconds: 60)
    }
  }
}
