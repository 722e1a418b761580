import Dispatch
import LedgerStorage
import Synchronization

/// Copies a WAL database's committed pages back into the database file, on its own connection
/// and its own thread, so that a commit does not pay for it.
///
/// SQLite's default is to checkpoint inside the commit that grows the WAL past 1,000 pages. A
/// job's index publish dirties pages all over the B-tree (hundreds of MB at ten million keys),
/// so that checkpoint (a second copy of every page, and an fsync) would sit in the index stage.
/// Here the writer's commit hook asks for a checkpoint at the same threshold instead; requests
/// that arrive while one runs are folded into a single follow-up. Checkpoints are PASSIVE: they
/// never block the writer or the readers, and SQLite's recovery covers a crash during one.
final class WALCheckpointer: Sendable {
  private let database: SQLiteDatabase
  private let state = Mutex(State())
  private let queue = DispatchQueue(label: "ledgerline.wal-checkpoint")

  private struct State {
    var running = false
    var pending = false
    var completed = 0
  }

  /// A checkpointer with its own read-write connection to `path`.
  init(path: String) throws {
    database = try SQLiteDatabase(path: path, mode: .readWrite)
  }

  /// Asks for a checkpoint soon (returns at once).
  func request() {
    let start = state.withLock { state -> Bool in
      if state.running {
        state.pending = true
        return false
      }
      state.running = true
      return true
    }
    guard start else { return }
    queue.async { self.drain() }
  }

  /// Checkpoints now and waits for it (tests; a caller that wants a small WAL).
  func checkpointNow() throws {
    try queue.sync { try database.execute("PRAGMA wal_checkpoint(PASSIVE)") }
  }

  /// Checkpoints completed in the background so far.
  var completed: Int { state.withLock { $0.completed } }

  private func drain() {
    while true {
      // A failed passive checkpoint leaves the WAL as it was; the next request tries again.
      try? database.execute("PRAGMA wal_checkpoint(PASSIVE)")
      let again = state.withLock { state -> Bool in
        state.completed += 1
        if state.pending {
          state.pending = false
          return true
        }
        state.running = false
        return false
      }
      if !again { return }
    }
  }
}
