import Synchronization

/// A connection opened on first use, then kept: for work that must not queue behind the
/// connection a component otherwise uses (a heartbeat behind a transition waiting for a lock).
final class LazyConnection: Sendable {
  private let location: PostgresLocation
  private let readOnly: Bool
  private let applicationName: String
  private let opened = Mutex<PGDatabase?>(nil)

  init(location: PostgresLocation, readOnly: Bool, applicationName: String) {
    self.location = location
    self.readOnly = readOnly
    self.applicationName = applicationName
  }

  /// The connection, opened now if it was not yet (a failure to connect is thrown, and the next
  /// call tries again).
  func database() throws(PGError) -> PGDatabase {
    try opened.withLock { db throws(PGError) -> PGDatabase in
      if let db { return db }
      let fresh = try PGDatabase(location, readOnly: readOnly, applicationName: applicationName)
      db = fresh
      return fresh
    }
  }
}
