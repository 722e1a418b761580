import Foundation
import LedgerStorage
import LedgerTesting
import Synchronization
import Testing

@testable import LedgerPostgres

/// Sections of work one process at a time does for a store shared in PostgreSQL (the inbox scan,
/// job creation): a second process finds the section taken, or waits for it.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
struct PostgresSectionsTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  @Test func aSectionHasOneHolderAcrossProcessesAndIsFreedWhenItsBodyEnds() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let a = try PostgresWorkflowLedger(location: location)
    let b = try PostgresWorkflowLedger(location: location)
    let entered = DispatchSemaphore(value: 0)
    let leave = DispatchSemaphore(value: 0)
    let order = Mutex<[String]>([])
    let holder = Thread {
      _ = try? a.exclusively(.inboxScan, wait: true) {
        entered.signal()
        leave.wait()
        order.withLock { $0.append("a leaves") }
      }
    }
    holder.start()
    entered.wait()
    // Taken: without waiting, nothing runs.
    #expect(try b.exclusively(.inboxScan, wait: false) { "ran" } == nil)
    // Another section is free.
    #expect(try b.exclusively(.jobCreation, wait: false) { "ran" } == "ran")
    // Waiting: B runs once A has left.
    let waiter = DispatchSemaphore(value: 0)
    Thread {
      _ = try? b.exclusively(.inboxScan, wait: true) { order.withLock { $0.append("b enters") } }
      waiter.signal()
    }.start()
    Thread.sleep(forTimeInterval: 0.2)
    leave.signal()
    waiter.wait()
    #expect(order.withLock { $0 } == ["a leaves", "b enters"])
    // A body that throws frees the section too.
    struct Boom: Error {}
    #expect(throws: Boom.self) { try a.exclusively(.inboxScan, wait: false) { throw Boom() } }
    #expect(try b.exclusively(.inboxScan, wait: false) { 1 } == 1)
  }
}
