import Foundation
import LedgerDomain
import LedgerStorage
import Logging
import Synchronization

/// The assembly line: a reduce worker runs ahead, and prefetch, process and index each have a
/// worker, so while job N is indexed, N+1 is processed and N+2 prefetched (SPEC §4). The
/// workflow ledger orders the jobs; the in-flight overlay makes the stages safe to overlap.
public final class Engine: Sendable {
  public let context: EngineContext
  public let options: EngineOptions
  let overlay = InFlightOverlay()
  let state = Mutex(EngineState())
  let random = Mutex(SeededRandom(seed: 0x1ED9E5))

  public init(context: EngineContext, options: EngineOptions = EngineOptions()) {
    self.context = context
    self.options = options
  }

  /// Asks the workers to stop after the stage they are running.
  public func requestStop() {
    state.withLock { $0.stopRequested = true }
  }

  var stopRequested: Bool { state.withLock { $0.stopRequested } }

  /// Processes everything in the inbox and returns when nothing is left to do (jobs that failed
  /// permanently are left for an operator and reported).
  public func runUntilIdle() throws -> IdleReport {
    try recover()
    try runWorkers(untilIdle: true)
    if options.compactEvery > 0 { try compactIfQuiescent(force: false) }
    return try idleReport()
  }

  /// Runs until `requestStop()`.
  public func run() throws {
    try recover()
    try runWorkers(untilIdle: false)
  }

  private func runWorkers(untilIdle: Bool) throws {
    let groups: [[Stage]] =
      options.pipelined ? [[.reduce], [.prefetch], [.process], [.index]] : [[.index, .process, .prefetch, .reduce]]
    let errors = Mutex<[any Error]>([])
    let done = DispatchGroup()
    for stages in groups {
      done.enter()
      Thread.detachNewThread { [self] in
        defer { done.leave() }
        do {
          try workerLoop(stages: stages, untilIdle: untilIdle)
        } catch {
          errors.withLock { $0.append(error) }
          requestStop()
        }
      }
    }
    done.wait()
    if let first = errors.withLock({ $0.first }) { throw first }
  }

  /// One worker: repeatedly takes the next runnable work of its stages.
  private func workerLoop(stages: [Stage], untilIdle: Bool) throws {
    var idleSleep: UInt32 = 1_000
    var lastScan: Int64 = 0
    while !stopRequested {
      var scanned: InboxScanner.Result?
      if stages.contains(.reduce), context.clock.nowMillis() - lastScan >= options.pollMillis || idleSleep == 1_000 {
        scanned = try scanInbox()
        lastScan = context.clock.nowMillis()
      }
      if let work = try claimWork(stages: stages) {
        try perform(work)
        idleSleep = 1_000
        continue
      }
      // Only the worker that scans the inbox decides idleness, right after a scan.
      // (Nothing was claimable, so a scan this iteration that registered nothing still holds.)
      if untilIdle, stages.contains(.reduce), let scan = try Optional(scanned ?? scanInbox()),
        scan.registered.isEmpty, scan.waiting.isEmpty, try isIdle()
      {
        requestStop()
        break
      }
      try waitForDueRetry()
      usleep(idleSleep)
      idleSleep = min(idleSleep * 2, 50_000)
    }
  }

  /// Registers new inbox files; records refusals in the operator feed.
  @discardableResult
  public func scanInbox() throws -> InboxScanner.Result {
    let scanner = InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: context.clock)
    let result = try scanner.scan()
    for record in result.registered {
      options.logger.debug(
        "registered \(record.batch.source)/\(record.batch.name) (\(record.batch.bytes) bytes)",
        metadata: ["input": "\(record.id)"])
    }
    for refusal in result.refused {
      options.logger.warning("refused \(refusal.source)/\(refusal.name): \(refusal.reason)")
    }
    for waiting in result.waiting {
      options.logger.debug("\(waiting) is still being written; it waits for the next scan")
    }
    for ignored in result.ignored {
      options.logger.debug("ignored \(ignored.path): \(ignored.reason)")
    }
    let depth = try context.ledger.ungroupedInputBatches().count
    state.withLock { s in
      s.backlogHistory.append(depth)
      if s.backlogHistory.count > 120 { s.backlogHistory.removeFirst(s.backlogHistory.count - 120) }
    }
    return result
  }

  /// Appends `event` to the ledger's operator feed (what the console shows) and logs it: the
  /// one path for every event the engine reports.
  func note(_ event: LedgerEvent) throws {
    try context.ledger.appendEvent(event)
    var metadata: Logger.Metadata = ["kind": "\(event.kind.rawValue)"]
    if let job = event.job { metadata["batch"] = "\(job)" }
    options.logger.log(level: Self.logLevel(event.kind), "\(event.text)", metadata: metadata)
  }

  static func logLevel(_ kind: LedgerEvent.Kind) -> Logger.Level {
    switch kind {
    case .info: .info
    case .correction, .operatorAction, .reject: .notice
    case .retry, .refusal: .warning
    case .failure: .error
    }
  }

  /// With a simulated clock, jump to the earliest retry deadline when nothing else can run.
  private func waitForDueRetry() throws {
    guard context.clock.isSimulated else { return }
    let next = try context.ledger.unfinishedJobs().compactMap(\.nextAttemptAt).min()
    if let next { context.clock.sleep(until: next) }
  }

  func nextRandom() -> Double {
    random.withLock { $0.nextUnitDouble() }
  }
}

/// What `runUntilIdle` leaves behind.
public struct IdleReport: Sendable {
  /// Jobs waiting for an operator (`ledgerline retry`).
  public var failed: [JobRecord]
  public var jobsDone: Int
}
