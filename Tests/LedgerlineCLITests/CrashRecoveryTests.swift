import Foundation
import Testing

extension CLISuite {
  /// SPEC §4: "After a crash at any instant, a restart finishes the work with no event lost and
  /// none counted twice." The engine is SIGKILLed at seeded random instants, again and again,
  /// then allowed to finish; what the read commands show must equal an uninterrupted run.
  @Suite struct CrashRecoveryTests {
    /// Crash runs with or without injected transient faults (the reference never has faults).
    enum Scenario: String, CaseIterable, Sendable, CustomTestStringConvertible {
      case noFaults
      case transientFaults

      var environment: [String: String] {
        self == .noFaults ? [:] : ["LEDGERLINE_FAULTS": "process:0.3,index:0.2"]
      }

      var seed: UInt64 { self == .noFaults ? 0xC0FFEE : 0xFA017 }
      var testDescription: String { rawValue }
    }

    static let requiredKills = 30
    /// A directory ends when a run finishes before its kill; late kills (process, index) come
    /// about once per directory, so many short directories beat a few long ones. The cap only
    /// stops a runaway loop.
    static let maxDirectories = 40

    /// One data directory's crash history.
    struct Outcome {
      var directory: String
      var killDelays: [Double]
      /// Where each kill landed, as `status` shows it afterwards (for the report).
      var killStates: [String]
      /// The first post-kill run that was not killed: it must finish the work.
      var completing: CLIResult
    }

    @Test(arguments: CLIStore.available, Scenario.allCases)
    func killNineAtRandomInstantsThenRestartMatchesUninterruptedRun(_ store: CLIStore, _ scenario: Scenario) throws {
      try runCampaign(.crashOneJob, jobs: 1, scenario, store: store)
    }

    @Test(arguments: CLIStore.available, Scenario.allCases)
    func killNineWhileTwoJobsOverlapThenRestartMatchesUninterruptedRun(_ store: CLIStore, _ scenario: Scenario)
      throws
    {
      try runCampaign(.crashTwoJobs, jobs: 2, scenario, store: store)
    }

    /// Two inputs per job, every JSON Lines input registered as 16 KiB segments (each reduced as
    /// a range task of its own, merged again by prefetch and process) and decoded in 4 KiB
    /// pieces (a split reduce within each range), a compaction check after every batch with no
    /// size floor (passes run whenever garbage makes them pay): kills land in range tasks, split
    /// reduce, per-partition index publishes and compaction.
    static let splitAndCompact = [
      "--max-group", "2", "--segment-bytes", "16384", "--decode-range-bytes", "4096", "--compact-every", "1",
      "--compaction-min-bytes", "0",
    ]

    @Test(arguments: CLIStore.available, Scenario.allCases)
    func killNineDuringSplitReducePartitionIndexAndCompactionThenRestartMatches(
      _ store: CLIStore, _ scenario: Scenario
    ) throws {
      try runCampaign(.crashChurn, jobs: 8, scenario, store: store, arguments: Self.splitAndCompact)
    }

    /// The reference run, then kill campaigns in fresh data directories until enough kills
    /// landed; every directory is run to completion and compared with the reference.
    /// The reference always runs on SQLite: a crashed PostgreSQL store must end as the embedded
    /// default would.
    private func runCampaign(
      _ workload: Workload, jobs: Int, _ scenario: Scenario, store: CLIStore, arguments: [String] = []
    ) throws {
      let scratch = try ScratchDirectory(
        "crash-\(jobs)-\(scenario.rawValue)-\(store.rawValue)\(arguments.isEmpty ? "" : "-split")")
      let binary = scratch.binary
      let generated = "\(scratch.path)/generated"
      let report = try workload.generate(into: generated, with: binary)
      let referenceData = try scratch.dataDirectory("reference", inboxFrom: "\(generated)/inbox")
      let splitting = arguments == Self.splitAndCompact
      let referenceRun = try binary.run(
        ["run", "--data", referenceData, "--until-idle"] + arguments + (splitting ? ["--log-level", "debug"] : []))
      try #require(referenceRun.exited(0), "\(referenceRun.summary)")
      if splitting {
        // Some job was reduced as several range tasks (else kills cannot land in one).
        #expect(referenceRun.stderr.contains(" reduce range 1 done in "), "no job was reduced as several ranges")
      }
      let reference = try DataSnapshot.capture(referenceData, with: binary)
      try expectReferenceMatchesGenerator(reference, report)
      #expect(reference.batchStatuses == Array(repeating: "done", count: jobs))
      if splitting {
        let status = try JSONLine(
          try binary.run(["status", "--data", referenceData, "--json"]).stdout, command: "status --json")
        let storage = try status.child("storage")
        #expect(try storage.string("last_compaction_at").isEmpty == false, "the reference run compacted")
        #expect(try storage.int("last_compaction_reclaimed_bytes") > 0, "the reference run's last pass paid")
      }

      // Kills are spread over an uninterrupted run on the store under test (PostgreSQL is slower),
      // which must itself equal the reference.
      var span = referenceRun.seconds
      if store != .sqlite {
        let timing = try scratch.dataDirectory("timing", inboxFrom: "\(generated)/inbox")
        let environment = try store.environment(for: timing, in: scratch)
        let timed = try binary.run(["run", "--data", timing, "--until-idle"] + arguments, environment: environment)
        try #require(timed.exited(0), "\(timed.summary)")
        let snapshot = try DataSnapshot.capture(timing, with: binary, environment: environment)
        let difference = try snapshot.exportDifference(from: reference, ignoringLocation: !arguments.isEmpty)
        #expect(difference == nil, "uninterrupted \(store.rawValue) run: \(difference ?? "")")
        span = max(span, timed.seconds)
      }
      var schedule = KillSchedule(seed: scenario.seed, maximum: span)
      var outcomes: [Outcome] = []
      var kills = 0
      while kills < Self.requiredKills, outcomes.count < Self.maxDirectories {
        let data = try scratch.dataDirectory("crash-\(outcomes.count + 1)", inboxFrom: "\(generated)/inbox")
        let storeEnvironment = try store.environment(for: data, in: scratch)
        let outcome = try crashUntilComplete(
          data, binary: binary, arguments: arguments,
          environment: scenario.environment.merging(storeEnvironment) { $1 }, storeEnvironment: storeEnvironment,
          schedule: &schedule, killBudget: Self.requiredKills - kills)
        kills += outcome.killDelays.count
        outcomes.append(outcome)
        try expectRecovered(
          outcome, reference: reference, referenceRun: referenceRun, binary: binary,
          storeEnvironment: storeEnvironment)
      }
      #expect(kills >= Self.requiredKills, "only \(kills) kills landed in \(outcomes.count) data directories")
      printRecoveryReport(
        "\(jobs) job(s), \(scenario.rawValue), \(store.rawValue)", referenceRun: referenceRun, outcomes: outcomes)
    }

    /// The uninterrupted run itself must match what the generator wrote.
    private func expectReferenceMatchesGenerator(_ reference: DataSnapshot, _ report: Workload.Report) throws {
      let lines = reference.export.split(separator: "\n").map(String.init)
      #expect(lines.count == report.distinctOrders)
      #expect(reference.artifacts == report.distinctOrders)
      #expect(reference.rejects.count == report.badLines)
      var accepted = 0
      for line in lines { accepted += try JSONLine(line, command: "export").children("lines").count }
      #expect(accepted == report.events)
    }

    /// Starts `run --until-idle` and SIGKILLs it after the next scheduled delay, until a run
    /// finishes by itself or `killBudget` kills have landed (then the last run may finish).
    private func crashUntilComplete(
      _ data: String, binary: LedgerlineBinary, arguments: [String], environment: [String: String],
      storeEnvironment: [String: String], schedule: inout KillSchedule, killBudget: Int
    ) throws -> Outcome {
      var delays: [Double] = []
      var states: [String] = []
      while true {
        let running = try binary.start(["run", "--data", data, "--until-idle"] + arguments, environment: environment)
        if delays.count < killBudget {
          let delay = schedule.nextDelay()
          if !running.waitForExit(upTo: delay) {
            running.send(SIGKILL)
            let result = try running.finish()
            if result.killedBySignal && result.status == SIGKILL {
              delays.append(delay)
              states.append(try stateAfterKill(data, binary: binary, environment: storeEnvironment))
              continue
            }
            return Outcome(directory: data, killDelays: delays, killStates: states, completing: result)
          }
        }
        let completing = try running.finish()
        return Outcome(directory: data, killDelays: delays, killStates: states, completing: completing)
      }
    }

    /// Each batch's stage and status right after a kill, e.g. "1 process running, 2 reduce done".
    private func stateAfterKill(_ data: String, binary: LedgerlineBinary, environment: [String: String]) throws
      -> String
    {
      let status = try binary.run(
        ["status", "--data", data, "--json", "--limit", "1000000"], environment: environment)
      guard status.exited(0) else { return "no ledger yet" }
      let batches = try JSONLine(status.stdout, command: status.command).children("batches")
      guard !batches.isEmpty else { return "no batch yet" }
      return try batches.map { "\(try $0.int("batch")) \(try $0.string("stage")) \(try $0.string("status"))" }
        .joined(separator: ", ")
    }

    /// An artifact's `location` depends on which attempt wrote it and when compaction passes ran;
    /// everything else must match the reference.
    private func expectRecovered(
      _ outcome: Outcome, reference: DataSnapshot, referenceRun: CLIResult, binary: LedgerlineBinary,
      storeEnvironment: [String: String]
    ) throws {
      let kills = outcome.killDelays.count
      let run = outcome.completing
      let context = "after \(kills) kills in \(outcome.directory)"
      #expect(run.exited(0), "\(context): \(run.summary)")
      // The completing run finishes what the kills left; the store holds as many batches done.
      #expect(DataSnapshot.batchesDoneInStore(run.stdout) == DataSnapshot.batchesDoneInStore(referenceRun.stdout))
      #expect(DataSnapshot.batchesDoneInStore(run.stdout) != nil, "\(context): \(run.stdout)")
      let snapshot = try DataSnapshot.capture(outcome.directory, with: binary, environment: storeEnvironment)
      // Part files are named by the attempt that wrote them (which process, which attempt), so an
      // artifact's `location` depends on the kills; everything else must match the reference.
      let difference = try snapshot.exportDifference(from: reference, ignoringLocation: true)
      #expect(difference == nil, "\(context): \(difference ?? "")")
      #expect(snapshot.batchStatuses == Array(repeating: "done", count: reference.batchStatuses.count), "\(context)")
      #expect(snapshot.failed == 0 && snapshot.retrying == 0 && snapshot.pendingInputBatches == 0, "\(context)")
      #expect(snapshot.rejects.count == reference.rejects.count, "\(context)")
      #expect(snapshot.rejects.sorted() == reference.rejects.sorted(), "\(context): rejects differ")
    }

    private func printRecoveryReport(_ title: String, referenceRun: CLIResult, outcomes: [Outcome]) {
      let format = { (seconds: Double) in String(format: "%.3f s", seconds) }
      let states = outcomes.flatMap(\.killStates)
      var byStage: [String: Int] = [:]
      for state in states {
        let first = state.split(separator: ",").first.map(String.init) ?? state
        byStage[first.hasPrefix("1 ") ? String(first.dropFirst(2)) : first, default: 0] += 1
      }
      let recoveries = outcomes.filter { !$0.killDelays.isEmpty }.map { format($0.completing.seconds) }
      var text = "[crash-recovery] \(title): \(states.count) kills in \(outcomes.count) directories; "
      text += "uninterrupted reference run \(format(referenceRun.seconds)); "
      text += "first post-kill runs that completed: \(recoveries.joined(separator: ", "))"
      text += "\n  job 1 when killed: "
      text += byStage.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
      for (index, outcome) in outcomes.enumerated() {
        text +=
          "\n  dir \(index + 1): "
          + zip(outcome.killDelays, outcome.killStates)
          .map { "\(format($0)) → \($1)" }.joined(separator: "; ")
        text += " | completed in \(format(outcome.completing.seconds))"
      }
      print(text)
    }
  }
}
