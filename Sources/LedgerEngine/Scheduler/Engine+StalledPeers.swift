import Foundation
import LedgerStorage

extension Engine {
  /// How long past a lease a transition keeps outlasting a lock (``outlastingStalledPeers(_:)``):
  /// two of PostgreSQL's 5 s lock timeouts, so the peer's expiry is tried at least once after its
  /// lease ran out.
  static let stalledPeerGraceMillis: Int64 = 10_000

  /// Runs a ledger transition; in a fleet, one that meets a lock held past the ledger's lock
  /// timeout (contention) expires the processes silent past their lease and tries again.
  ///
  /// A process stopped in the middle of a transaction (SIGSTOP, a frozen VM) keeps its row locks
  /// until its sessions are ended, which is part of expiring it. Expiry otherwise runs when this
  /// process claims work, and a worker waiting inside a transition cannot claim: without this, the
  /// lock timeout would fail the transition and stop the engine. A live peer's lock is waited out
  /// the same way, up to `options.leaseMillis` plus ``stalledPeerGraceMillis``; then the error
  /// stands.
  func outlastingStalledPeers<T>(_ transition: () throws -> T) throws -> T {
    guard context.ledger.admitsSeveralEngines else { return try transition() }
    var firstContention: Int64?
    while true {
      do {
        return try transition()
      } catch let error as any ClassifiedFailure where error.failureKind == .contention {
        let now = context.clock.nowMillis()
        let first = firstContention ?? now
        firstContention = first
        guard now - first <= options.leaseMillis + Self.stalledPeerGraceMillis else { throw error }
        options.logger.debug("a ledger transition waited for a lock (\(error)); expiring silent processes, then again")
        state.withLock { $0.lastExpirySweep = now }
        try expireSilentProcesses(now: now)
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }
}
