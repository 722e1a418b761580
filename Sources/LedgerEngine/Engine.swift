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
  /// The process attempts the ledger accepted, as compaction passes ask them of artifact parts.
  let acceptedRuns = AcceptedRuns()
  /// One inbox scan at a time, with the time of the last one.
  let scanning = Mutex<Int64>(0)
  /// This process in the store's registry while it runs (`run`, `runUntilIdle`).
  let registration = Mutex<ProcessRecord?>(nil)
  /// Held while an operator-feed event is appended and logged (``note(_:)``).
  let noting = Mutex(())

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
      let doneBefore = try doneJobs()
      try recover()
      try runWorkers(untilIdle: true)
      if options.compactEvery > 0 { try compactIfQuiescent(force: false) }
      try reportIndexFailures(at: context.clock.nowMillis())
      var report = try idleReport()
      report.jobsDoneInRun = max(0, report.jobsDone - doneBefore)
      return report
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
  /// heartbeat every `options.heartbeatMillis`, and records how it ended.
  ///
  /// Processes still listed as running are expired first (ended as gone, their attempts
  /// interrupted) when they are gone: on a store one engine opens at a time (SQLite), whatever
  /// their last heartbeat says, since this engine holds the engine lock; on a fleet's store, only
  /// those silent past their lease (``expireSilentProcesses(now:)``).
  ///
  /// A beat that finds this process ended means another process took it for gone (it stalled
  /// past its lease) and took its attempts over: the engine stops at once and `body` ends with
  /// ``EngineError/presumedGone``, since nothing it holds in memory may be used any more.
  private func registered<T>(_ body: () throws -> T) throws -> T {
    let now = context.clock.nowMillis()
    if context.ledger.admitsSeveralEngines {
      try expireSilentProcesses(now: now)
    } else {
      for gone in try context.ledger.processes(recentlyEnded: 0) {
        _ = try context.ledger.expireProcess(
          gone.id, silentBefore: Int64.max,
          note: "gone without stopping (killed or crashed); last heartbeat \(Self.instant(gone.heartbeatAt))", at: now)
      }
    }
    let me = try context.ledger.registerProcess(
      NewProcess(host: ProcessIdentity.host, pid: ProcessIdentity.pid, osUser: ProcessIdentity.osUser), at: now)
    registration.withLock { $0 = me }
    let beating = Heartbeat(every: options.heartbeatMillis) { [self] in
      guard let alive = try? context.ledger.heartbeat(process: me.id, at: context.clock.nowMillis()), !alive else {
        return
      }
      state.withLock { $0.presumedGone = true }
      requestStop()
    }
    defer {
      beating.stop()
      registration.withLock { $0 = nil }
    }
    // Whether another process expired this one (its record ended while it ran).
    let expired = { [self] in
      state.withLock { $0.presumedGone }
        || (try? context.ledger.heartbeat(process: me.id, at: context.clock.nowMillis())) == false
    }
    do {
      let result = try body()
      if expired() { throw EngineError.presumedGone(process: me.id) }
      try context.ledger.endProcess(me.id, note: "stopped", at: context.clock.nowMillis())
      return result
    } catch let error as EngineError {
      throw error
    } catch {
      // Expired by another process, its outcomes were refused: that is the reason to report.
      if expired() { throw EngineError.presumedGone(process: me.id) }
      // Ended with its attempts interrupted, so no task stays `running` under a stopped process.
      _ = try? context.ledger.expireProcess(
        me.id, silentBefore: Int64.max, note: "stopped on an error: \(error)", at: context.clock.nowMillis())
      throw error
    }
  }

  /// Expires every other registered process that is gone: silent for longer than
  /// `options.leaseMillis`, or no longer connected to the store (its engine session ended: it
  /// was killed, and its host closed its connection). Each expiry ends it and hands its running
  /// attempts back, in one transaction that refuses if it was heard from meanwhile (a silent
  /// one) or had ended already; the operator feed says so.
  func expireSilentProcesses(now: Int64) throws {
    let me = processID
    let others = try context.ledger.processes(recentlyEnded: 0).filter { $0.id != me }
    guard !others.isEmpty else { return }
    let sessions = try context.engineSessions?()
    for other in others {
      let silent = now - other.heartbeatAt
      let disconnected = sessions.map { !$0.contains(other.sessionName) } ?? false
      guard silent > options.leaseMillis || disconnected else { continue }
      let why =
        disconnected
        ? "its connection to the store is gone (killed or crashed)"
        : "no heartbeat for \(silent / 1000) s (lease \(options.leaseMillis / 1000) s)"
      // Its sessions first: a process stopped in the middle of a transaction holds row locks (and
      // maybe a section) that the expiry would wait for. What it does next reaches the store on
      // a new connection, which finds it ended.
      if other.sessionName != ProcessRecord.sessionName(host: ProcessIdentity.host, pid: ProcessIdentity.pid) {
        try? context.endSessions?(other.sessionName)
      }
      let expired: Bool
      do {
        expired = try context.ledger.expireProcess(
          other.id, silentBefore: disconnected ? Int64.max : now - options.leaseMillis,
          note: "presumed gone: \(why); last heartbeat \(Self.instant(other.heartbeatAt))", at: now)
      } catch let error as any ClassifiedFailure where error.failureKind == .contention {
        // A row of its tasks is locked by a third process, stalled too while its lease runs:
        // the next sweep tries again (its expiry ends that one's sessions first).
        options.logger.debug("expiry of process \(other.id) waited for a lock (\(error)); the next sweep tries again")
        continue
      }
      if expired {
        try note(
          LedgerEvent(
            at: now, kind: .retry, job: nil,
            text: "process \(other.id) (\(other.name)) presumed gone: \(why); its running tasks go to the others"))
      }
    }
  }

  static func instant(_ millis: Int64) -> String {
    BatchInstant(secondsSinceEpoch: millis / 1000).rfc3339
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
      ledger: context.ledger, clock: context.clock, segmentBytes: options.segmentBytes)
    let result: InboxScanner.Result
    if waitForOtherScanner {
      result = try exclusivelyWaiting(.inboxScan) { try scanner.scan() }
    } else {
      guard let scanned = try context.ledger.exclusively(.inboxScan, wait: false, { try scanner.scan() }) else {
        return InboxScanner.Result()
      }
      result = scanned
    }
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
    var metadata: Logger.Metadata = ["kind": "\(event.kind.rawValue)"]
    if let job = event.job { metadata["batch"] = "\(job)" }
    // One at a time, so the log lists this process's events in the feed's order (two workers
    // failing at once wrote them in either order).
    try noting.withLock { _ in
      try context.ledger.appendEvent(event)
      options.logger.log(level: Self.logLevel(event.kind), "\(event.text)", metadata: metadata)
    }
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

/// Why an engine stopped on its own.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Another process of the fleet found this one silent past its lease and took its tasks over.
  case presumedGone(process: Int64)

  public var description: String {
    switch self {
    case .presumedGone(let id):
      "this engine (process \(id)) was silent past its lease (stalled or cut off), so the others took its tasks over; "
        + "it stopped without writing more. Start it again to rejoin"
    }
  }
}

/// What `runUntilIdle` leaves behind.
public struct IdleReport: Sendable {
  /// Jobs waiting for an operator (`ledgerline retry`).
  public var failed: [JobRecord]
  /// Jobs done in the store (by any engine, at any time).
  public var jobsDone: Int
  /// Jobs that became done while this run went on (in a fleet, other engines' included).
  public var jobsDoneInRun = 0
}
