import Foundation
import LedgerTesting
import Testing

extension CLISuite {
  /// Issue 11: three `ledgerline run --until-idle` processes on one data directory and one
  /// PostgreSQL store work through a backlog while one of them, picked at random, is killed with
  /// SIGKILL at random instants and restarted each time. Nothing may be lost or applied twice:
  /// the export must equal a single SQLite process's run of the same inbox.
  @Suite struct FleetCrashTests {
    static let requiredKills = 8
    static let members = 3
    /// One input per job (40 jobs, so the members share the work), a short lease so survivors
    /// take a killed member's tasks over quickly, and compaction whenever it pays.
    static let arguments = [
      "--max-group", "1", "--lease-seconds", "3", "--workers", "2", "--compact-every", "4",
      "--compaction-min-bytes", "0",
    ]
    /// Directories tried before giving up (a fleet that finishes before enough kills landed
    /// starts again in a fresh one).
    static let maxDirectories = 6

    struct Campaign {
      var directory: String
      var environment: [String: String]
      var kills: Int
      var exits: [CLIResult]
    }

    @Test func threeProcessesKilledAtRandomMatchOneSQLiteProcess() throws {
      guard CLIStore.available.contains(.postgres) else { return }
      let fixture = try FleetReference("fleet-crash", maxGroup: 1)
      let (scratch, binary, reference) = (fixture.scratch, fixture.binary, fixture.snapshot)
      #expect(reference.batchStatuses.count == 40)

      var schedule = KillSchedule(seed: 0xF1EE7, minimum: 0.05, maximum: 1.5)
      var kills = 0
      var campaigns: [Campaign] = []
      while kills < Self.requiredKills, campaigns.count < Self.maxDirectories {
        let data = try scratch.dataDirectory("fleet-\(campaigns.count + 1)", inboxFrom: fixture.inbox)
        let environment = try CLIStore.postgres.environment(for: data, in: scratch)
        let campaign = try runFleet(
          data, environment: environment, binary: binary, schedule: &schedule, killBudget: Self.requiredKills - kills)
        kills += campaign.kills
        campaigns.append(campaign)
        try expectMatches(campaign, reference: reference, binary: binary)
      }
      #expect(kills >= Self.requiredKills, "only \(kills) kills landed in \(campaigns.count) data directories")
      print(
        "fleet crash campaign: \(kills) kills over \(campaigns.count) data director\(campaigns.count == 1 ? "y" : "ies"); "
          + "reference run \(String(format: "%.2f", fixture.run.seconds)) s")
    }

    /// Starts the members, then until `killBudget` kills landed or the fleet finished: waits a
    /// scheduled delay, kills one running member at random and starts it again.
    private func runFleet(
      _ data: String, environment: [String: String], binary: LedgerlineBinary, schedule: inout KillSchedule,
      killBudget: Int
    ) throws -> Campaign {
      let command = ["run", "--data", data, "--until-idle"] + Self.arguments
      // The first member creates the store; the others join it.
      var members = [try binary.start(command, environment: environment)]
      usleep(300_000)
      for _ in 1..<Self.members { members.append(try binary.start(command, environment: environment)) }
      var kills = 0
      var exits: [CLIResult] = []
      while kills < killBudget {
        let delay = schedule.nextDelay()
        usleep(UInt32(delay * 1_000_000))
        let running = members.indices.filter { members[$0].process.isRunning }
        guard !running.isEmpty else { break }
        let victim = running[Int(schedule.nextDelay() * 1_000_003) % running.count]
        members[victim].send(SIGKILL)
        let result = try members[victim].finish()
        if result.killedBySignal && result.status == SIGKILL {
          kills += 1
        } else {
          exits.append(result)
        }
        members[victim] = try binary.start(command, environment: environment)
      }
      for member in members { exits.append(try member.finish(timeout: 300)) }
      return Campaign(directory: data, environment: environment, kills: kills, exits: exits)
    }

    private func expectMatches(_ campaign: Campaign, reference: DataSnapshot, binary: LedgerlineBinary) throws {
      let context = "after \(campaign.kills) kills in \(campaign.directory)"
      for exit in campaign.exits { #expect(exit.exited(0), "\(context): \(exit.summary)") }
      let snapshot = try DataSnapshot.capture(campaign.directory, with: binary, environment: campaign.environment)
      // Compaction passes run when the timing allows: locations differ, nothing else may.
      let difference = try snapshot.exportDifference(from: reference, ignoringLocation: true)
      #expect(difference == nil, "\(context): \(difference ?? "")")
      #expect(snapshot.batchStatuses == reference.batchStatuses, "\(context)")
      #expect(snapshot.failed == 0 && snapshot.retrying == 0 && snapshot.pendingInputBatches == 0, "\(context)")
      #expect(snapshot.rejects.sorted() == reference.rejects.sorted(), "\(context): rejects differ")
      // The members shared the work: several processes ran stages.
      let status = try binary.run(
        ["status", "--data", campaign.directory, "--json", "--limit", "1000"], environment: campaign.environment)
      try #require(status.exited(0), "\(status.summary)")
      var ranBy: Set<String> = []
      for batch in try JSONLine(status.stdout, command: status.command).children("batches") {
        let stages = try batch.child("ran_by")
        for stage in stages.keys { ranBy.formUnion(stages.object[stage] as? [String] ?? []) }
      }
      #expect(ranBy.count >= 2, "\(context): stages ran in \(ranBy.sorted())")
    }
  }
}
