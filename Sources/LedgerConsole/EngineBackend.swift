import Foundation
import LedgerDomain
import LedgerEngine
import LedgerStorage
import Synchronization

/// The console's backend over a real data directory (and, unless read-only, a running engine).
///
/// `snapshot()` never touches storage: a refresher thread rebuilds the snapshot from the workflow
/// ledger and the engine's live view every `interval` and the UI reads the latest copy, so the UI
/// never waits on SQLite while the engine works at full speed.
public final class EngineBackend: ConsoleBackend {
  let context: EngineContext
  let engine: Engine?
  let readOnly: Bool
  private let latest: Mutex<ConsoleSnapshot>
  private let stopped = Mutex(false)

  public init(context: EngineContext, engine: Engine?, readOnly: Bool, interval: Duration = .milliseconds(250)) {
    self.context = context
    self.engine = engine
    self.readOnly = readOnly
    latest = Mutex(
      ConsoleSnapshot(
        dataDirectory: context.paths.root, engineState: "starting", readOnly: readOnly,
        takenAt: context.clock.nowMillis() / 1000))
    let millis = interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000
    Thread.detachNewThread { [self] in
      while !stopped.withLock({ $0 }) {
        refresh()
        usleep(useconds_t(max(10, millis) * 1000))
      }
    }
  }

  /// Stops the refresher thread.
  public func close() {
    stopped.withLock { $0 = true }
  }

  public func snapshot() -> ConsoleSnapshot {
    latest.withLock { $0 }
  }

  /// Rebuilds the snapshot now (the refresher calls this; tests may too).
  public func refresh() {
    do {
      let snapshot = try SnapshotBuilder(context: context, live: engine?.live(), readOnly: readOnly).build()
      latest.withLock { $0 = snapshot }
    } catch {
      latest.withLock { s in
        s.engineState = "error: \(error)"
        s.takenAt = context.clock.nowMillis() / 1000
      }
    }
  }

  public func lookup(orderID: String) -> ArtifactLookup {
    do {
      guard let view = try ArtifactQuery(context: context).lookup(orderID) else { return .notFound(orderID) }
      let l = view.entry.location
      return .found(
        ArtifactDetail(
          summary: view.summary, lines: view.lines, location: "parts/\(l.part)@\(l.offset)+\(l.length)",
          version: view.entry.version))
    } catch {
      return .error("\(error)")
    }
  }

  public func submitCorrection(_ correction: CorrectionDraft) -> Result<String, ConsoleActionError> {
    guard !readOnly else { return .failure(.readOnly(action: "correction")) }
    let request = CorrectionRequest(
      orderID: correction.orderID, amount: correction.amountText, currency: correction.currency.code,
      reason: correction.reason, author: correction.author)
    do {
      switch try CorrectionSubmitter(paths: context.paths, ledger: context.ledger, clock: context.clock).submit(request) {
      case .success(let submission):
        try? context.ledger.appendEvent(
          LedgerEvent(
            at: context.clock.nowMillis(), kind: .correction, job: nil,
            text: "correction \(submission.eventID) for \(correction.orderID): \(correction.amountText) \(correction.currency.code) by \(correction.author) (\(correction.reason)) → \(submission.batchFile)"))
        return .success(submission.batchFile)
      case .failure(let error):
        return .failure(.invalidCorrection(error.description))
      }
    } catch {
      return .failure(.io("\(error)"))
    }
  }

  public func retry(job: UInt64) -> Result<Void, ConsoleActionError> {
    guard !readOnly else { return .failure(.readOnly(action: "retry")) }
    do {
      guard let record = try context.ledger.job(job) else { return .failure(.unknownJob(seq: job)) }
      guard try context.ledger.retry(job: job, at: context.clock.nowMillis()) else {
        return .failure(.notRetryable(seq: job, state: record.status.rawValue))
      }
      try context.ledger.appendEvent(
        LedgerEvent(
          at: context.clock.nowMillis(), kind: .operatorAction, job: job,
          text: "operator \(FileAuditLog.currentOSUser()) retried batch \(job) at \(record.stage.rawValue)"))
      return .success(())
    } catch {
      return .failure(.io("\(error)"))
    }
  }
}
