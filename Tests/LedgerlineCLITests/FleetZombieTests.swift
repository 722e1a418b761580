import Foundation
import LedgerTesting
import Testing

extension CLISuite {
  /// Issue 11, the zombie: an engine stopped with SIGSTOP in the middle of a task stays silent
  /// past its lease; another engine takes its task over and finishes the backlog; then the first
  /// is resumed with SIGCONT. Whatever it was writing, its late outputs are never published: it
  /// learns at its next heartbeat that it was presumed gone and stops, and the store ends exactly
  /// as one SQLite process leaves it.
  @Suite struct FleetZombieTests {
    /// Stops that landed while the stopped engine held a task, before the test is satisfied.
    static let requiredStallsInTasks = 3
    static let maxCampaigns = 6
    /// Stops tried per campaign until one lands while the engine holds a task.
    static let stopAttempts = 40
    static let arguments = ["--max-group", "4", "--lease-seconds", "1.5", "--workers", "2"]

    struct Stall {
      var delay: Double
      /// What the stopped engine was running when it was stopped (`status` of its process).
      var holding: [String]
      var zombie: CLIResult
      var survivor: CLIResult
    }

    @Test func anEngineStoppedPastItsLeaseNeverPublishesWhenResumed() throws {
      guard CLIStore.available.contains(.postgres) else { return }
      let fixture = try FleetReference("fleet-zombie", maxGroup: 4)
      let (scratch, binary, reference) = (fixture.scratch, fixture.binary, fixture.snapshot)

      // How long the engine works on after it is first seen in a task: up to half of a whole run,
      // so that the stop lands early or deep in the backlog.
      var schedule = KillSchedule(seed: 0x20B1E, minimum: 0.02, maximum: max(0.1, fixture.run.seconds * 0.5))
      var stalls: [Stall] = []
      while stalls.filter({ !$0.holding.isEmpty }).count < Self.requiredStallsInTasks, stalls.count < Self.maxCampaigns
      {
        let data = try scratch.dataDirectory("zombie-\(stalls.count + 1)", inboxFrom: fixture.inbox)
        let environment = try CLIStore.postgres.environment(for: data, in: scratch)
        let stall = try stallOnce(data, environment: environment, binary: binary, delay: schedule.nextDelay())
        stalls.append(stall)
        let context = "stopped after \(String(format: "%.2f", stall.delay)) s holding \(stall.holding) in \(data)"
        #expect(stall.survivor.exited(0), "\(context): \(stall.survivor.summary)")
        if !stall.holding.isEmpty {
          // It was expired while it held a task: resumed, it must stop without going on.
          #expect(stall.zombie.exited(1), "\(context): \(stall.zombie.summary)")
          #expect(stall.zombie.stderr.contains("silent past its lease"), "\(context): \(stall.zombie.summary)")
        } else {
          #expect(stall.zombie.exited(0) || stall.zombie.exited(1), "\(context): \(stall.zombie.summary)")
        }
        let snapshot = try DataSnapshot.capture(data, with: binary, environment: environment)
        let difference = try snapshot.exportDifference(from: reference, ignoringLocation: true)
        #expect(difference == nil, "\(context): \(difference ?? "")")
        #expect(snapshot.batchStatuses == reference.batchStatuses, "\(context)")
        #expect(snapshot.rejects.sorted() == reference.rejects.sorted(), "\(context): rejects differ")
        let verify = try binary.run(["verify", "--data", data], environment: environment)
        #expect(verify.exited(0), "\(context): \(verify.summary)")
      }
      let inTasks = stalls.filter { !$0.holding.isEmpty }
      #expect(
        inTasks.count >= Self.requiredStallsInTasks,
        "only \(inTasks.count) of \(stalls.count) stops landed while the engine held a task")
      print("fleet zombie: stopped while holding \(inTasks.map(\.holding)) over \(stalls.count) campaigns")
    }

    /// Starts the engine to be stopped, stops it after `delay`, starts a survivor that takes
    /// over and finishes (it waits out the lease), then resumes the stopped one.
    private func stallOnce(_ data: String, environment: [String: String], binary: LedgerlineBinary, delay: Double)
      throws -> Stall
    {
      let command = ["run", "--data", data, "--until-idle"] + Self.arguments
      let zombie = try binary.start(command, environment: environment)
      // Stopped once `status` shows it running a task, and `delay` seconds of work later: stopped while it creates the store, it would hold the store alone, and a survivor
      // is rightly refused then.
      var busy = false
      for _ in 0..<400 where !busy {
        if zombie.waitForExit(upTo: 0.01) { break }
        busy = try !held(by: zombie.pid, data, environment: environment, binary: binary).isEmpty
      }
      if zombie.waitForExit(upTo: delay) {
        let result = try zombie.finish()
        return Stall(delay: delay, holding: [], zombie: result, survivor: result)
      }
      // Tasks are short: an engine stopped at a random instant is often between two of them.
      // It is stopped, and `status` (a frozen engine holds still) says what it holds; if nothing,
      // it goes on for a few more milliseconds and is stopped again, well inside its lease.
      var holding: [String] = []
      for attempt in 0..<Self.stopAttempts {
        zombie.send(SIGSTOP)
        holding = try held(by: zombie.pid, data, environment: environment, binary: binary)
        if !holding.isEmpty || attempt == Self.stopAttempts - 1 { break }
        zombie.send(SIGCONT)
        if zombie.waitForExit(upTo: 0.005 * Double(attempt % 7 + 1)) {
          let result = try zombie.finish()
          return Stall(delay: delay, holding: [], zombie: result, survivor: result)
        }
      }
      let survivor = try binary.run(command, environment: environment, timeout: 300)
      zombie.send(SIGCONT)
      return Stall(delay: delay, holding: holding, zombie: try zombie.finish(timeout: 120), survivor: survivor)
    }

    /// The attempts process `pid` runs, as `status` lists them.
    private func held(by pid: Int32, _ data: String, environment: [String: String], binary: LedgerlineBinary) throws
      -> [String]
    {
      let status = try binary.run(["status", "--data", data, "--json"], environment: environment)
      guard status.exited(0) else { return [] }
      let processes = try JSONLine(status.stdout, command: status.command).children("processes")
      guard let me = try processes.first(where: { try $0.int("pid") == Int(pid) }) else { return [] }
      return me.object["holding"] as? [String] ?? []
    }
  }
}
