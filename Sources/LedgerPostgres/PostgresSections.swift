import LedgerStorage
import Synchronization

/// Session advisory locks that make a section of work exclusive across every process sharing a
/// store, on a connection of their own (the ledger's connection serves one statement at a time,
/// and the section's body uses the ledger). Held only while the body runs; the server releases
/// them if the process dies.
final class PostgresSections: Sendable {
  /// One section's connection, opened on first use; in this process too, one holder at a time.
  private final class Slot: Sendable {
    let connection = Mutex<PGDatabase?>(nil)
  }

  private let location: PostgresLocation
  private let slots: [ExclusiveSection: Slot]
  private let applicationName: String

  init(location: PostgresLocation, applicationName: String = "ledgerline") {
    self.location = location
    self.applicationName = applicationName
    slots = Dictionary(uniqueKeysWithValues: ExclusiveSection.allCases.map { ($0, Slot()) })
  }

  func exclusively<T>(_ section: ExclusiveSection, wait: Bool, _ body: () throws -> T) throws -> T? {
    guard let slot = slots[section] else { return try body() }
    return try slot.connection.withLock { open in
      let db = try open ?? PGDatabase(location, applicationName: applicationName)
      open = db
      let key = PGMigrations.advisoryKey("section " + section.rawValue, schema: location.schema)
      let taken = try db.withSession { session -> Bool in
        if wait {
          try session.execute("SELECT pg_advisory_lock($1)", [.int(key)])
          return true
        }
        return try session.query("SELECT pg_try_advisory_lock($1)", [.int(key)]).first?.bool(0) ?? false
      }
      guard taken else { return nil }
      defer { _ = try? db.withSession { try $0.execute("SELECT pg_advisory_unlock($1)", [.int(key)]) } }
      return try body()
    }
  }
}
