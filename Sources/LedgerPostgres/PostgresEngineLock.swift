import Foundation
import LedgerStorage
import Synchronization

/// A claim on a store in PostgreSQL: a session advisory lock on the store's schema, held by a
/// connection of its own for as long as the lock lives. It holds across hosts, which
/// `engine.lock` on a shared data directory does not (NFS and SMB do not honour `flock` between
/// clients).
///
/// Engines of a fleet hold it *shared*: any number of them run on one store. What needs the store
/// to itself holds it *exclusively*: a rebuild, and an engine while it creates the store (so two
/// engines starting on an empty store do not both create one). The lock ends when `release()` is
/// called, when the lock is deinitialised, or when its connection ends (the server releases a
/// session's advisory locks then).
public final class PostgresEngineLock: Sendable {
  private let db: PGDatabase
  private let key: Int64
  /// Whether the lock is held exclusively now (else shared).
  private let exclusive: Mutex<Bool>

  /// Takes the lock exclusively on `location`'s store (a rebuild), or throws
  /// ``PostgresEngineLockError/held(place:holder:)`` naming a holder (host and pid, as its
  /// connection told the server).
  ///
  /// A holder on this host whose process is gone (killed) is a session the server has not yet
  /// seen close: the lock is asked again for up to `deadHolderWait` seconds before refusing.
  public convenience init(location: PostgresLocation, deadHolderWait: Double = 10) throws {
    try self.init(location: location, joining: false, wait: deadHolderWait)
  }

  /// Joins the engines running on `location`'s store: the lock exclusively when no other engine
  /// holds it (``isExclusive``: the caller may create the store, then ``share()``), else shared.
  /// Waits up to `wait` seconds while another process holds it exclusively (one creating the
  /// store, or a dead holder on this host), then refuses naming it (a rebuild).
  public static func joining(location: PostgresLocation, wait: Double = 10) throws -> PostgresEngineLock {
    try PostgresEngineLock(location: location, joining: true, wait: wait)
  }

  private init(location: PostgresLocation, joining: Bool, wait: Double) throws {
    let host = ProcessInfo.processInfo.hostName
    db = try PGDatabase(location, applicationName: ProcessRecord.sessionName(host: host, pid: getpid()))
    let key = PGMigrations.advisoryKey("engine", schema: location.schema)
    self.key = key
    let giveUp = Date().addingTimeInterval(wait)
    while true {
      let taken = try db.withSession { session -> Bool? in
        if try session.query("SELECT pg_try_advisory_lock($1)", [.int(key)]).first?.bool(0) ?? false { return true }
        guard joining else { return nil }
        return try session.query("SELECT pg_try_advisory_lock_shared($1)", [.int(key)]).first?.bool(0) ?? false
          ? false : nil
      }
      if let taken {
        exclusive = Mutex(taken)
        return
      }
      let holder = try? Self.holder(of: key, self.db)
      let deadHere = holder.map { Self.isDeadProcess($0, host: host) } ?? false
      if joining || deadHere, Date() < giveUp {
        Thread.sleep(forTimeInterval: 0.05)
        continue
      }
      throw PostgresEngineLockError.held(place: location.description, holder: holder)
    }
  }

  /// The session names (``ProcessRecord/sessionName``) of every connection holding this store's
  /// lock now, this one included: the engines connected to the store.
  public func engineSessions() throws -> Set<String> {
    try db.withSession { session in
      Set(
        try session.query(
          """
          SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1
          """, [.int(key)]
        ).map { try $0.text(0) })
    }
  }

  /// Ends every session named `name` (an engine presumed gone: its connections, including one
  /// that holds a section while the process is stopped) except this connection; returns how many.
  /// What that process does next reaches the server on a new connection, which finds it ended.
  @discardableResult
  public func endSessions(named name: String) throws -> Int {
    try db.withSession { session in
      try session.query(
        """
        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()
        """, [.text(name)]
      ).first?.int(0) ?? 0
    }
  }

  /// Whether this lock is held exclusively (a rebuild, or the first engine of a fleet until it
  /// calls ``share()``).
  public var isExclusive: Bool { exclusive.withLock { $0 } }

  /// Turns an exclusive hold into a shared one, so other engines may join (idempotent).
  public func share() throws {
    try exclusive.withLock { held in
      guard held else { return }
      try db.withSession { session in
        _ = try session.query("SELECT pg_advisory_lock_shared($1)", [.int(key)])
        _ = try session.query("SELECT pg_advisory_unlock($1)", [.int(key)])
      }
      held = false
    }
  }

  /// How the holder of `key` named its connection, and where it connected from.
  private static func holder(of key: Int64, _ db: PGDatabase) throws -> String? {
    try db.withSession { session in
      try session.query(
        """
        SELECT a.application_name, host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1
        """, [.int(key)]
      ).first.map { row in
        let name = try row.optionalText(0) ?? "unknown"
        return try row.optionalText(1).map { "\(name), connected from \($0)" } ?? name
      }
    }
  }

  /// Whether `holder` names an engine on `host` whose process no longer exists.
  static func isDeadProcess(_ holder: String, host: String) -> Bool {
    let prefix = "ledgerline engine \(host) pid "
    guard holder.hasPrefix(prefix) else { return false }
    let digits = holder.dropFirst(prefix.count).prefix { $0.isNumber }
    guard let pid = Int32(digits), pid > 0 else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  deinit { release() }

  /// Releases the lock (idempotent).
  public func release() {
    // The connection holds nothing else; if it is gone, the server has released the lock already.
    _ = try? db.withSession { session in try session.execute("SELECT pg_advisory_unlock_all()") }
  }
}

/// Another engine holds the store.
public enum PostgresEngineLockError: Error, Sendable, Equatable, CustomStringConvertible {
  case held(place: String, holder: String?)

  public var description: String {
    switch self {
    case .held(let place, let holder):
      "the store in \(place) is in use by another ledgerline process (\(holder ?? "holder unknown")): a rebuild "
        + "needs the store to itself, and engines do not start while a rebuild runs; wait for it, or stop it first"
    }
  }
}
