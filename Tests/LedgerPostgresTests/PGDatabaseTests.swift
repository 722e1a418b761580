import Foundation
import LedgerStorage
import LedgerTesting
import PostgresNIO
import Testing

@testable import LedgerPostgres

/// The connection wrapper against the configured server.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
struct PGDatabaseTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  /// A connection to a fresh schema, with one table `t` holding row 1.
  func database(lockTimeoutMillis: Int = PGDatabase.defaultLockTimeoutMillis) throws -> PGDatabase {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let db = try PGDatabase(location, lockTimeoutMillis: lockTimeoutMillis)
    try db.withSession { session in
      try session.execute("CREATE SCHEMA IF NOT EXISTS \(location.quotedSchema)")
      try session.execute("CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY, note TEXT)")
      try session.execute("INSERT INTO t VALUES (1, 'one') ON CONFLICT DO NOTHING")
    }
    return db
  }

  @Test func aStatementErrorNamesTheServerTheStatementAndTheSQLSTATE() throws {
    let db = try database()
    let error = try #require(throws: PGError.self) {
      try db.withSession { try $0.execute("INSERT INTO t VALUES ($1, $2)", [.int(1), .text("again")]) }
    }
    #expect(error.sqlState == "23505" && error.failureKind == .internalError)
    #expect(error.description.hasPrefix("PostgreSQL error 23505 (unique_violation) on \(db.location):"))
    #expect(error.description.hasSuffix(" - while executing `INSERT INTO t VALUES ($1, $2)`"))
    #expect(try db.withSession { try $0.scalarInt64("SELECT count(*) FROM t") } == 1)
  }

  @Test func aFailedTransactionLeavesNothingAndTheConnectionUsable() throws {
    let db = try database()
    #expect(throws: PGError.self) {
      try db.transaction { session in
        try session.execute("INSERT INTO t VALUES (2, 'two')")
        try session.execute("INSERT INTO t VALUES (1, 'dup')")
      }
    }
    struct Refused: Error {}
    #expect(throws: Refused.self) {
      try db.transaction { session in
        try session.execute("INSERT INTO t VALUES (3, 'three')")
        throw Refused()
      }
    }
    #expect(try db.withSession { try $0.query("SELECT id FROM t ORDER BY id").map { try $0.int64(0) } } == [1])
    // A transaction that failed inside while the caller swallowed the error is not committed.
    let swallowed = try #require(throws: PGError.self) {
      try db.transaction { session in
        _ = try? session.execute("INSERT INTO t VALUES (1, 'dup')")
        _ = try? session.execute("INSERT INTO t VALUES (4, 'four')")
      }
    }
    #expect(swallowed.description.contains("rolled back"))
    #expect(try db.withSession { try $0.scalarInt64("SELECT count(*) FROM t") } == 1)
  }

  @Test func aRowLockHeldLongerThanTheLockTimeoutFailsAsContention() throws {
    let holder = try database()
    let waiter = try PGDatabase(holder.location, lockTimeoutMillis: 200)
    let locked = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      _ = try? holder.transaction { session in
        try session.execute("SELECT id FROM t WHERE id = 1 FOR UPDATE")
        locked.signal()
        release.wait()
      }
      finished.signal()
    }
    locked.wait()
    let error = try #require(throws: PGError.self) {
      try waiter.transaction { try $0.execute("UPDATE t SET note = 'waited' WHERE id = 1") }
    }
    release.signal()
    finished.wait()
    #expect(error.sqlState == "55P03" && error.failureKind == .contention)
    try waiter.transaction { try $0.execute("UPDATE t SET note = 'later' WHERE id = 1") }
  }

  @Test func aConnectionLostInATransactionFailsAsTransientAndTheNextCallReconnects() throws {
    let db = try database()
    let admin = try PGDatabase(db.location)
    let first = try #require(try db.withSession { try $0.scalarInt64("SELECT pg_backend_pid()") })
    let error = try #require(throws: PGError.self) {
      try db.transaction { session in
        try admin.withSession { try $0.execute("SELECT pg_terminate_backend($1::INT, 5000)", [.int(first)]) }
        try session.execute("UPDATE t SET note = 'lost' WHERE id = 1")
      }
    }
    #expect(error.failureKind == .transientIO && error.connectionLost, "\(error)")
    let second = try #require(try db.withSession { try $0.scalarInt64("SELECT pg_backend_pid()") })
    #expect(second != first)
    #expect(try db.withSession { try $0.query("SELECT note FROM t WHERE id = 1").first?.text(0) } == "one")
  }

  @Test func noServerAtTheAddressFailsAsTransientNamingTheAddress() throws {
    let nowhere = try PostgresLocation(url: "postgres://nobody@127.0.0.1:1/none")
    let error = try #require(throws: PGError.self) { try PGDatabase(nowhere) }
    #expect(error.failureKind == .transientIO)
    #expect(error.description.contains("postgres://nobody@127.0.0.1:1/none"))
  }

  @Test func aDatabaseThatDoesNotExistFailsAsASetupProblemNamingIt() throws {
    let location = try PostgresTestServer.location(schema: "public")
    var missing = location
    missing.database = "ledgerline_no_such_database"
    let error = try #require(throws: PGError.self) { try PGDatabase(missing) }
    #expect(error.sqlState == "3D000" && error.failureKind == .internalError)
    #expect(error.description.contains("ledgerline_no_such_database"))
  }

  @Test func aCallFromAnEventLoopThreadIsRefusedInsteadOfDeadlockingIt() throws {
    let db = try database()
    let outcome = try MultiThreadedEventLoopGroup.singleton.next().submit { () -> String in
      do {
        return "ran: \(try db.withSession { try $0.scalarInt64("SELECT 1") } ?? 0)"
      } catch {
        return "\(error)"
      }
    }.wait()
    #expect(outcome.contains("on an event-loop thread"), "\(outcome)")
  }

  @Test func byteStringsKeepEveryCharacterAndCompareByBytes() throws {
    let db = try database()
    let values = ["b", "a\u{0}", "a", "é", "e\u{301}", ""]
    let sorted = try db.withSession { session in
      try session.query("SELECT v FROM unnest($1::BYTEA[]) AS v ORDER BY v", [.byteArrays(values)]).map {
        try $0.bytes(0)
      }
    }
    #expect(sorted.map { Array($0.utf8) } == values.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
  }
}
