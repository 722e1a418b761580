import InMemoryLogging
import LedgerDomain
import LedgerStorage
import LedgerTesting
import Logging
import Testing

@testable import LedgerEngine

/// The headless engine logs what the console's event pane shows: one path for both.
@Suite struct EngineLoggingTests {
  func run(_ h: EngineHarness, faults: FaultInjector) throws -> InMemoryLogHandler {
    let handler = InMemoryLogHandler()
    var options = EngineOptions()
    options.pollMillis = 0
    options.compactEvery = 0
    options.logger = Logger(label: "test", factory: { _ in handler })
    options.logger.logLevel = .debug
    _ = try Engine(context: try h.context(faults: faults), options: options).runUntilIdle()
    return handler
  }

  @Test func everyFeedEventIsLoggedWithItsBatchAndAFailureAsAnError() throws {
    let h = try EngineHarness()
    try h.deliver(
      source: "web", name: "20261127T100000Z_20261127T101500Z.jsonl",
      lines: [eventLine(id: "e1", order: "o1", amount: "1.00"), "not json"])
    guard case .success(let faults) = FaultInjector.parse("process:job=1:permanent") else {
      Issue.record("fault spec did not parse")
      return
    }
    let log = try run(h, faults: faults)
    let feed = try h.context(faults: faults).ledger.recentEvents(limit: 100)
    let logged = log.entries.filter { $0.level >= .info }
    #expect(logged.map { "\($0.message)" } == feed.map(\.text))
    let failure = try #require(log.entries.first { $0.level == .error })
    #expect("\(failure.message)".hasPrefix("batch 1 partition "))
    #expect("\(failure.message)".contains(" process failed after 1 attempt (injected-permanent)"))
    #expect(failure.metadata["batch"] == "1")
    #expect(failure.metadata["kind"] == "failure")
    #expect(log.entries.contains { $0.level == .notice && $0.metadata["kind"] == "reject" })
    #expect(log.entries.contains { $0.level == .debug && "\($0.message)".hasPrefix("batch 1 reduce done in ") })
  }

  @Test func theDefaultLoggerIsSilent() {
    let options = EngineOptions()
    #expect(options.logger.handler is SwiftLogNoOpLogHandler)
  }
}
