import Foundation
import LedgerDomain
import LedgerStorage
import LedgerSystem
import Logging
import Synchronization

/// The assembly line (SPEC §4): workers take tasks as the ``PartitionScheduler`` allows, the
/// reduce of a job, then prefetch, process and index of each of its partitions, so one big job
/// keeps every core busy and while partition p of job N is indexed, p of N+1 is processed. The
/// workflow ledger orders the jobs; the in-flight overlay makes the stages safe to overlap.
public final class Engine: Sendable {
  public let context: EngineContext
  public let options: EngineOptions
  let overlay = InFlightOverlay()
  let state = Mutex(EngineState())
  let random: Mutex<SeededRandom>
  /// One claim at a time in this process (decide, then begin in the ledger).
  let claiming = Mutex(0)
  /// Wakes idle workers when a task ends, input arrives or a stop is asked.
  let wakeup = Wakeup()
  /// One inbox scan at a time, with the time of the last one.
  let scanning = Mutex<Int64>(0)
  /// This process in the store's registry while it runs (`run`, `runUntilIdle`).
  let registration = Mutex<ProcessRecord?>(nil)

  public init(context: EngineContext, options: EngineOptions = EngineOptions()) {
    self.context = context
    self.options = options
    random = Mutex(SeededRandom(seed: options.taskOrderSeed ?? 0x1ED9E5))
  }

  /// Asks the workers to stop after the task they are running.
  public func requestStop() {
    state.withLock { $0.stopRequested = true }
    wakeup.signal()
  }

  var stopRequested: Bool { state.withLock { $0.stopRequested } }

  /// Processes everything in the inbox and returns when nothing is left to do (jobs that failed
  /// permanently are left for an operator and reported).
  public func runUntilIdle() throws -> IdleReport {
    try registered {
      try recover()
      try runWorkers(untilIdle: true)
      if options.compactEvery > 0 { try compactIfQuiescent(force: false) }
      return try idleReport()
    }
  }

  /// Runs until `requestStop()`.
  public func run() throws {
    try registered {
      try recover()
      try runWorkers(untilIdle: false)
    }
  }

  /// The registry id of this process while it runs, recorded with each attempt it begins.
  var processID: Int64? { registration.withLock { $0?.id } }

  /// Registers this process in the store's registry for the duration of `body`, with a
  /// heartbeat every `options.heartbeatMillis`, and records how it ended. This engine holds the
  /// store's engine lock, so any other process still listed as running was killed: it is expired
  /// (ended as gone, with its last heartbeat, and its attempts interrupted) whatever its last
  /// heartbeat says.
  private func registered<T>(_ body: () throws -> T) throws -> T {
    let now = context.clock.nowMillis()
    for gone in try context.ledger.processes(recentlyEnded: 0) {
      _ = try context.ledger.expireProcess(
        gone.id, silentBefore: Int64.max,
        note:
          "gone without stopping (killed or crashed); last heartbeat \(BatchInstant(secondsSinceEpoch: gone.heartbeatAt / 1000).rfc3339)",
        at: now)
    }
    let me = try context.ledger.registerProcess(
      NewProcess(host: ProcessIdentity.host, pid: ProcessIdentity.pid, osUser: ProcessIdentity.osUser), at: now)
    registration.withLock { $0 = me }
    let beating = Heartbeat(every: options.heartbeatMillis) { [self] in
      try? context.ledger.heartbeat(process: me.id, at: context.clock.nowMillis())
    }
    defer {
      beating.stop()
      registration.withLock { $0 = nil }
    }
    do {
      let result = try body()
      try context.ledger.endProcess(me.id, note: "stopped", at: context.clock.nowMillis())
      return result
    } catch {
      try? context.ledger.endProcess(me.id, note: "stopped on an error: \(error)", at: context.clock.nowMillis())
      throw error
    }
  }

  private func runWorkers(untilIdle: Bool) throws {
    let count = options.pipelined ? max(1, options.workers ?? max(2, ProcessInfo.processInfo.activeProcessorCount)) : 1
    let errors = Mutex<[any Error]>([])
    let done = DispatchGroup()
    for _ in 0..<count {
      done.enter()
      Thread.detachNewThread { [self] in
        defer { done.leave() }
        do {
          try workerLoop(untilIdle: untilIdle)
        } catch {
          errors.withLock { $0.append(error) }
          requestStop()
        }
      }
    }
    done.wait()
    if let first = errors.withLock({ $0.first }) { throw first }
  }

  /// One worker: scans the inbox when due, runs the next task the scheduler allows, and sleeps
  /// until woken (a task ended, a stop) or a retry or the next scan falls due.
  private func workerLoop(untilIdle: Bool) throws {
    while !stopRequested {
      try scanIfDue()
      let seen = wakeup.generation
      switch try claimWork() {
      case .work(let work):
        try perform(work)
        wakeup.signal()
      case .wait(let until):
        if let until, context.clock.isSimulated {
          context.clock.sleep(until: until)
          continue
        }
        wakeup.wait(
          since: seen, millis: min(options.pollMillis, max(1, (until ?? Int64.max) - context.clock.nowMillis())))
      case .idle:
        // Idle only if a scan right now registers nothing and nothing is being written.
        if untilIdle {
          let scan = try scanning.withLock { last -> InboxScanner.Result in
            last = context.clock.nowMillis()
            return try scanInbox(waitForOtherScanner: true)
          }
          if scan.registered.isEmpty, scan.waiting.isEmpty, try isIdle() {
            requestStop()
            break
          }
          continue
        }
        wakeup.wait(since: seen, millis: options.pollMillis)
      }
    }
  }

  /// Scans the inbox if no worker did for `pollMillis` (one worker scans at a time).
  private func scanIfDue() throws {
    let registered = try scanning.withLock { last -> Bool in
      let now = context.clock.nowMillis()
      guard last == 0 || now - last >= options.pollMillis else { return false }
      last = now
      return try !scanInbox(waitForOtherScanner: false).registered.isEmpty
    }
    if registered { wakeup.signal() }
  }

  /// Registers new inbox files; records refusals in the operator feed. One process of those
  /// sharing the store scans at a time: when another one is scanning, this one waits for it with
  /// `waitForOtherScanner`, else finds nothing now (the other registers what there is).
  @discardableResult
  public func scanInbox(waitForOtherScanner: Bool = true) throws -> InboxScanner.Result {
    let scanner = InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: context.clock)
    guard
      let result = try context.ledger.exclusively(.inboxScan, wait: waitForOtherScanner, { try scanner.scan() })
    else { return InboxScanner.Result() }
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

  func nextRandom() -> Double {
    random.withLock { $0.nextUnitDouble() }
  }
}

/// A wake-up call for idle workers; a generation count makes sure a signal sent between a
/// worker's look at the work and its wait is not lost.
final class Wakeup: @unchecked Sendable {
  // NSCondition guards `count`: every access holds its lock.
  private let condition = NSCondition()
  private var count: UInt64 = 0

  var generation: UInt64 {
    condition.lock()
    defer { condition.unlock() }
    return count
  }

  func signal() {
    condition.lock()
    count &+= 1
    condition.broadcast()
    condition.unlock()
  }

  /// Waits up to `millis` unless a signal came after `seen` was read.
  func wait(since seen: UInt64, millis: Int64) {
    condition.lock()
    if count == seen {
      _ = condition.wait(until: Date(timeIntervalSinceNow: Double(max(1, millis)) / 1000))
    }
    condition.unlock()
  }
}

/// Calls `beat` every `millis` on a thread of its own until stopped.
final class Heartbeat: Sendable {
  private let stopped = Mutex(false)
  private let wakeup = Wakeup()
  private let finished = DispatchSemaphore(value: 0)

  init(every millis: Int64, _ beat: @escaping @Sendable () -> Void) {
    Thread.detachNewThread { [self] in
      defer { finished.signal() }
      while true {
        let seen = wakeup.generation
        if stopped.withLock({ $0 }) { return }
        wakeup.wait(since: seen, millis: max(1, millis))
        if stopped.withLock({ $0 }) { return }
        beat()
      }
    }
  }

  /// Stops the beats and waits for the thread to end.
  func stop() {
    stopped.withLock { $0 = true }
    wakeup.signal()
    finished.wait()
  }
}

/// What `runUntilIdle` leaves behind.
public struct IdleReport: Sendable {
  /// Jobs waiting for an operator (`ledgerline retry`).
  public var failed: [JobRecord]
  public var jobsDone: Int
}
