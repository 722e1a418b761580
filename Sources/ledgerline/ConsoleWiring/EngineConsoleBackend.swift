import Dispatch
import Foundation
import LedgerConsole
import LedgerDomain
import LedgerEngine
import LedgerOperations
import LedgerStorage
import Synchronization

/// The console's backend over a data directory: reads through its own read-only connections
/// (never the engine's writer), acts through the audited operator services.
///
/// `snapshot()` never touches storage: a refresher thread rebuilds the snapshot from the
/// workflow ledger (on the reader's connection) and the engine's in-memory live view every
/// `interval`, and the UI reads the latest copy. So neither the UI nor the engine waits on the
/// other.
final class EngineConsoleBackend: ConsoleBackend, Sendable {
  let reader: EngineContext
  let engine: Engine?
  let actions: OperatorActions?
  private let latest: Mutex<ConsoleSnapshot>
  /// The inbox's non-batch entries and when they were listed (ms): listed again at most every
  /// `ignoredRefreshMillis`, not at every snapshot.
  private let ignored = Mutex<(at: Int64, entries: [InboxScanner.IgnoredEntry])?>(nil)
  static let ignoredRefreshMillis: Int64 = 2_000
  private let stopped = Mutex(false)
  private let wake = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)

  /// A backend reading `reader`; `actions` is `nil` for a read-only console.
  init(reader: EngineContext, engine: Engine?, actions: OperatorActions?, interval: Duration = .milliseconds(250)) {
    self.reader = reader
    self.engine = engine
    self.actions = actions
    latest = Mutex(
      ConsoleSnapshot(
        dataDirectory: reader.paths.root, engineState: "starting", readOnly: actions == nil,
        takenAt: reader.clock.nowMillis() / 1000))
    let millis = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
    Thread.detachNewThread { [self] in
      while !stopped.withLock({ $0 }) {
        refresh()
        _ = wake.wait(timeout: .now() + .milliseconds(max(10, millis)))
      }
      finished.signal()
    }
  }

  /// Stops the refresher thread and waits for it.
  func close() {
    let first = stopped.withLock { stopped in
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    wake.signal()
    finished.wait()
  }

  func snapshot() -> ConsoleSnapshot {
    latest.withLock { $0 }
  }

  /// Rebuilds the snapshot now (the refresher calls this; tests may too).
  func refresh() {
    do {
      let snapshot = try SnapshotBuilder(
        context: reader, live: engine?.live(), readOnly: actions == nil, ignoredInInbox: try ignoredInInbox()
      ).build()
      latest.withLock { $0 = snapshot }
    } catch {
      latest.withLock { s in
        s.engineState = "error: \(error)"
        s.takenAt = reader.clock.nowMillis() / 1000
      }
    }
  }

  /// The inbox's non-batch entries, listed again only when the last listing is older than
  /// ``ignoredRefreshMillis``.
  private func ignoredInInbox() throws -> [InboxScanner.IgnoredEntry] {
    let now = reader.clock.nowMillis()
    if let cached = ignored.withLock({ $0 }), now - cached.at < Self.ignoredRefreshMillis { return cached.entries }
    let entries = try InboxScanner.ignoredEntries(inbox: reader.paths.inbox)
    ignored.withLock { $0 = (now, entries) }
    return entries
  }

  func lookup(orderID: String) -> ArtifactLookup {
    do {
      guard let view = try ArtifactQuery(context: reader).lookup(orderID) else { return .notFound(orderID) }
      let l = view.entry.location
      return .found(
        ArtifactDetail(
          summary: view.summary, lines: view.lines, location: "parts/\(l.part)@\(l.offset)+\(l.length)",
          version: view.entry.version))
    } catch {
      return .error("\(error)")
    }
  }

  func submitCorrection(_ correction: CorrectionDraft) -> Result<String, ConsoleActionError> {
    guard let actions else { return .failure(.readOnly(action: "correction")) }
    let request = CorrectionRequest(
      orderID: correction.orderID, amount: correction.amountText, currency: correction.currency.code,
      reason: correction.reason, author: correction.author)
    switch actions.submitCorrection(request) {
    case .success(let submission):
      wake.signal()
      // The console follows the batch that carries the correction: for the same correction
      // submitted again, the earlier one (nothing new was written).
      return .success(submission.batchFile)
    case .failure(let error):
      return .failure(Self.consoleError(error))
    }
  }

  func retry(job: UInt64) -> Result<Void, ConsoleActionError> {
    guard let actions else { return .failure(.readOnly(action: "retry")) }
    switch actions.retry(job: job) {
    case .success:
      wake.signal()
      return .success(())
    case .failure(let error):
      return .failure(Self.consoleError(error))
    }
  }

  func rejects(job: UInt64) -> Result<[RejectedLine], ConsoleActionError> {
    do {
      return .success(
        try RejectsReader(paths: reader.paths).lines(batch: job).map {
          RejectedLine(
            file: "\($0.source)/\($0.file)", line: $0.line, rule: $0.rule, reason: $0.reason, excerpt: $0.excerpt)
        })
    } catch {
      return .failure(.io("\(error)"))
    }
  }

  func quarantine(job: UInt64, input: String) -> Result<Void, ConsoleActionError> {
    guard let actions else { return .failure(.readOnly(action: "set aside")) }
    switch actions.quarantine(job: job, input: input) {
    case .success:
      wake.signal()
      return .success(())
    case .failure(let error):
      return .failure(Self.consoleError(error))
    }
  }

  static func consoleError(_ error: OperatorActionError) -> ConsoleActionError {
    switch error {
    case .unknownJob(let seq): .unknownJob(seq: seq)
    case .notRetryable(let seq, let status, _): .notRetryable(seq: seq, state: status)
    case .invalidCorrection(let detail): .invalidCorrection(detail)
    case .storage(let detail): .io(detail)
    case .unknownInput, .notQuarantined, .refused: .refused(error.description)
    case .auditUnavailable(let detail, let taken): .auditLogUnavailable(detail: detail, actionTaken: taken)
    }
  }
}
