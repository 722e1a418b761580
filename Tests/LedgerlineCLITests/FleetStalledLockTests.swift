import Dispatch
import Foundation
import LedgerPostgres
import LedgerStorage
import LedgerTesting
import Synchronization
import Testing

extension CLISuite {
  /// Issue 11, docs/FLEET.md: an engine stopped in the middle of a ledger transaction keeps its
  /// row lock until its sessions are ended, and a survivor whose transition needs that row must
  /// not stop on the lock timeout. It expires the silent engine (which ends its sessions and
  /// releases the lock) and goes on.
  @Suite struct FleetStalledLockTests {
    @Test func aSurvivorOutlastsTheRowLockOfAnEngineStoppedInsideATransaction() throws {
      guard CLIStore.available.contains(.postgres) else { return }
      let fixture = try ProcessedData("fleet-stalled-lock", run: false)
      let (binary, data) = (fixture.binary, fixture.data)
      let environment = try CLIStore.postgres.environment(for: data, in: fixture.scratch)
      // Batch 1 waits for an operator at process; retried, its process tasks wait to be claimed.
      let failed = try binary.run(
        ["run", "--data", data, "--until-idle", "--inject-faults", "process:job=1:permanent"],
        environment: environment)
      try #require(failed.exited(2), "\(failed.summary)")
      let retry = try binary.run(["retry", "--data", data, "1"], environment: environment)
      try #require(retry.exited(0), "\(retry.summary)")

      // This test process plays the stalled engine: it joins the store, registers, and holds
      // batch 1's job row inside an open transaction, as an engine stopped mid-transition does.
      let location = try PostgresLocation(url: try #require(environment["LEDGERLINE_POSTGRES"]))
      let host = ProcessInfo.processInfo.hostName
      let name = ProcessRecord.sessionName(host: host, pid: getpid())
      let engineLock = try PostgresEngineLock.joining(location: location)
      try engineLock.share()
      let ledger = try PostgresWorkflowLedger(location: location, applicationName: name)
      let stalled = try ledger.registerProcess(
        NewProcess(host: host, pid: getpid(), osUser: "stalled"), at: Int64(Date().timeIntervalSince1970 * 1000))
      let holder = try PGDatabase(location, applicationName: name)
      let (locked, released, finished) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchGroup())
      let outcome = Mutex<String>("")
      finished.enter()
      Thread.detachNewThread {
        defer { finished.leave() }
        do {
          try holder.transaction { session in
            _ = try session.query("SELECT seq FROM jobs WHERE seq = 1 FOR UPDATE")
            locked.signal()
            _ = released.wait(timeout: .now() + 120)
            _ = try session.query("SELECT 1")
          }
          outcome.withLock { $0 = "committed" }
        } catch {
          outcome.withLock { $0 = "ended: \(error)" }
        }
      }
      try #require(locked.wait(timeout: .now() + 30) == .success, "the job row was never locked")

      let survivor = try binary.run(
        ["run", "--data", data, "--until-idle", "--lease-seconds", "1.5"], environment: environment, timeout: 120)
      released.signal()
      finished.wait()
      #expect(survivor.exited(0), "\(survivor.summary)")
      #expect(survivor.stdout == "idle: 1 batch done\n", "\(survivor.summary)")
      // The survivor ended the stalled engine's sessions: its transaction never committed.
      #expect(outcome.withLock { $0 }.hasPrefix("ended: "), "\(outcome.withLock { $0 })")
      let reader = try PostgresWorkflowLedger(location: location, readOnly: true)
      let record = try #require(try reader.processes(recentlyEnded: 10).first { $0.id == stalled.id })
      #expect(record.endNote?.contains("presumed gone") == true, "\(record)")

      let reference = try ProcessedData("fleet-stalled-lock-reference")
      let expected = try DataSnapshot.capture(reference.data, with: reference.binary)
      let actual = try DataSnapshot.capture(data, with: binary, environment: environment)
      let difference = try actual.exportDifference(from: expected, ignoringLocation: true)
      #expect(difference == nil, "\(difference ?? "")")
      #expect(actual.batchStatuses == ["done"])
      withExtendedLifetime((engineLock, ledger)) {}
    }
  }
}
