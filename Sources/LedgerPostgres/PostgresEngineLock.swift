import Foundation

/// The exclusive claim of one engine on a store in PostgreSQL: a session advisory lock on the
/// store's schema, held by a connection of its own for as long as the lock lives. It is what
/// `engine.lock` is for the embedded store, but it holds across hosts, which a file lock on a
/// shared data directory does not (NFS and SMB do not honour `flock` between clients).
///
/// Until partition tasks are claimed under leases, one engine per store is the rule; the lock
/// ends when `release()` is called, when the lock is deinitialised, or when its connection ends
/// (the server releases a session's advisory locks then).
public final class PostgresEngineLock: Sendable {
  private let db: PGDatabase

  /// Takes the lock on `location`'s store, or throws ``PostgresEngineLockError/held(place:holder:)``
  /// naming the holder (host and pid, as its connection told the server).
  ///
  /// A holder on this host whose process is gone (killed) is a session the server has not yet
  /// seen close: the lock is asked again for up to `deadHolderWait` seconds before refusing.
  public init(location: PostgresLocation, deadHolderWait: Double = 10) throws {
    let host = ProcessInfo.processInfo.hostName
    let me = "ledgerline engine \(host) pid \(getpid())"
    db = try PGDatabase(location, applicationName: String(me.utf8.prefix(63)) ?? "ledgerline engine")
    let key = PGMigrations.advisoryKey("engine", schema: location.schema)
    let giveUp = Date().addingTimeInterval(deadHolderWait)
    while true {
      let taken = try db.withSession { session -> Bool in
        try session.query("SELECT pg_try_advisory_lock($1)", [.int(key)]).first?.bool(0) ?? false
      }
      if taken { return }
      let holder = try? Self.holder(of: key, db)
      if let holder, Self.isDeadProcess(holder, host: host), Date() < giveUp {
        Thread.sleep(forTimeInterval: 0.05)
        continue
      }
      throw PostgresEngineLockError.held(place: location.description, holder: holder ?? nil)
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
      "the store in \(place) is in use by another ledgerline engine (\(holder ?? "holder unknown")); one engine "
        + "runs per store until the fleet claims work under leases — watch it with `ledgerline console --read-only`, "
        + "or stop it first"
    }
  }
}
