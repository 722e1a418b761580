import Foundation
import LedgerStorage
import LedgerTesting
import Synchronization
import Testing

@testable import LedgerPostgres

/// Versioned schemas: created at this build's version, kept on reopening, migrated in one
/// transaction, safe to open from several processes at once, refused when newer.
@Suite(.enabled(if: PostgresTestServer.casesRun, Comment(rawValue: PostgresTestServer.skipComment)))
struct PostgresMigrationTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  static func batch(_ name: String) -> NewInputBatch {
    NewInputBatch(source: "web", name: name, from: 0, to: 60, bytes: 5, archivePath: "archive/web/\(name)", scan: 1)
  }

  @Test func bothPiecesShareASchemaEachAtItsVersionAndReopeningKeepsTheirData() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    do {
      let ledger = try PostgresWorkflowLedger(location: location)
      let index = try PostgresKeyIndex(location: location)
      _ = try ledger.register([Self.batch("a.jsonl")], at: 10)
      try index.publish(
        [IndexEntry(orderID: "o", location: ArtifactLocation(part: "p", offset: 0, length: 9), version: 1)],
        eventIDs: [])
      #expect(try PGMigrations.version(ledger.db, piece: .ledger) == PostgresWorkflowLedger.schemaVersion)
      #expect(try PGMigrations.version(index.db, piece: .index) == PostgresKeyIndex.schemaVersion)
    }
    let ledger = try PostgresWorkflowLedger(location: location)
    let index = try PostgresKeyIndex(location: location)
    #expect(try ledger.inputBatches(source: "web").map(\.batch.name) == ["a.jsonl"])
    #expect(try index.count() == 1 && index.entry(for: "o")?.version == 1)
    let found = try PGMigrations.migrate(ledger.db, piece: .ledger, steps: PostgresWorkflowLedger.migrations) { _, _ in
      LedgerError.unknownJob(0)
    }
    #expect(found == PostgresWorkflowLedger.schemaVersion)
  }

  @Test func aReaderNeverCreatesNorMigratesAndTheServerRefusesItsWrites() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    // Nothing there yet: refused, and nothing created.
    let missing = try #require(throws: PostgresSchemaError.self) {
      try PostgresWorkflowLedger(location: location, readOnly: true)
    }
    #expect(missing == .missing(piece: "workflow ledger", location: location.description))
    #expect(throws: PostgresSchemaError.missing(piece: "key index", location: location.description)) {
      try PostgresKeyIndex(location: location, readOnly: true)
    }
    let admin = try PGDatabase(try location.with(schema: "public"))
    let schemas = try admin.withSession { session in
      try session.scalarInt64("SELECT count(*) FROM pg_namespace WHERE nspname = $1", [.text(location.schema)])
    }
    #expect(schemas == 0, "a reader created the schema")

    do {
      let ledger = try PostgresWorkflowLedger(location: location)
      _ = try PostgresKeyIndex(location: location)
      _ = try ledger.register([Self.batch("a.jsonl")], at: 10)
    }
    let reader = try PostgresWorkflowLedger(location: location, readOnly: true)
    #expect(try reader.inputBatches(source: "web").map(\.batch.name) == ["a.jsonl"])
    let refused = try #require(throws: PGError.self) {
      try reader.appendEvent(LedgerEvent(at: 1, kind: .info, job: nil, text: "written by a reader"))
    }
    #expect(refused.sqlState == "25006", "read_only_sql_transaction: \(refused)")

    // A ledger older than the build (there is one version so far: check against the next).
    let next = PostgresWorkflowLedger.schemaVersion + 1
    let older = try #require(throws: LedgerError.self) {
      try PGMigrations.check(
        reader.db, piece: .ledger, supported: next, missing: { LedgerError.unknownJob(0) },
        older: { LedgerError.olderSchema(path: location.description, found: $0, current: next) },
        newer: { _ in LedgerError.unknownJob(0) })
    }
    guard case .olderSchema(_, PostgresWorkflowLedger.schemaVersion, next) = older else {
      Issue.record("\(older)")
      return
    }
    #expect(older.description.contains("run `ledgerline run --until-idle` once"))
  }

  @Test func aLedgerOrAnIndexOfANewerBuildIsRefusedSayingWhatToDo() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    do {
      let ledger = try PostgresWorkflowLedger(location: location)
      _ = try PostgresKeyIndex(location: location)
      try ledger.db.withSession { try $0.execute("UPDATE ledgerline_schema SET version = 99") }
    }
    let ledger = try #require(throws: LedgerError.self) { try PostgresWorkflowLedger(location: location) }
    #expect(
      ledger.description
        == "the workflow ledger \(location) has schema version 99; this ledgerline understands up to "
        + "\(PostgresWorkflowLedger.schemaVersion) — upgrade ledgerline")
    let index = try #require(throws: PostgresSchemaError.self) { try PostgresKeyIndex(location: location) }
    #expect(
      index.description
        == "the key index \(location) has schema version 99; this ledgerline understands up to "
        + "\(PostgresKeyIndex.schemaVersion) — upgrade ledgerline")
  }

  @Test func aMigrationThatFailsPartWayLeavesNothingBehind() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let db = try PGDatabase(location)
    let steps = [
      ["CREATE TABLE first_step (id BIGINT)"], ["CREATE TABLE second_step (id BIGINT)", "SELECT no_such_fn()"],
    ]
    #expect(throws: PGError.self) {
      try PGMigrations.migrate(db, piece: .ledger, steps: steps) { _, _ in LedgerError.unknownJob(0) }
    }
    let schemas = try db.withSession {
      try $0.scalarInt64("SELECT count(*) FROM pg_namespace WHERE nspname = $1", [.text(location.schema)])
    }
    #expect(schemas == 0)
    try PGMigrations.migrate(db, piece: .ledger, steps: Array(steps.prefix(1))) { _, _ in LedgerError.unknownJob(0) }
    #expect(try PGMigrations.version(db, piece: .ledger) == 1)
    #expect(try db.withSession { try $0.scalarInt64("SELECT count(*) FROM first_step") } == 0)
  }

  @Test func processesOpeningAFreshStoreTogetherAllSucceed() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 6) { n in
      do {
        if n % 2 == 0 {
          _ = try PostgresWorkflowLedger(location: location)
        } else {
          _ = try PostgresKeyIndex(location: location)
        }
      } catch {
        failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(failures.withLock { $0 } == [])
    let ledger = try PostgresWorkflowLedger(location: location)
    #expect(try PGMigrations.version(ledger.db, piece: .ledger) == PostgresWorkflowLedger.schemaVersion)
    #expect(try PGMigrations.version(ledger.db, piece: .index) == PostgresKeyIndex.schemaVersion)
  }

  /// Version 2 of the key index leaves half of each entries page free, so updates of known keys
  /// stay on their page (HOT). An index at version 1 is migrated on opening and keeps its data.
  @Test func theKeyIndexMigratesToHalfFullEntryPagesAndKeepsItsEntries() throws {
    let location = try PostgresTestServer.scratchSchema(removedWith: directory)
    let db = try PGDatabase(location)
    try PGMigrations.migrate(db, piece: .index, steps: Array(PostgresKeyIndex.migrations.prefix(1))) { _, _ in
      LedgerError.unknownJob(0)
    }
    try db.withSession { session in
      _ = try session.execute("INSERT INTO index_parts (name) VALUES ('p')")
      _ = try session.execute("INSERT INTO index_entries SELECT 'o'::bytea, id, 0, 9, 1 FROM index_parts")
    }
    let reloptions = {
      try db.withSession { session in
        try session.query(
          "SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class WHERE oid = 'index_entries'::regclass"
        ).first?.text(0)
      }
    }
    #expect(try reloptions() == "")
    let index = try PostgresKeyIndex(location: location)
    #expect(try PGMigrations.version(index.db, piece: .index) == 2)
    #expect(try reloptions() == "fillfactor=50")
    #expect(try index.entry(for: "o")?.location == ArtifactLocation(part: "p", offset: 0, length: 9))
  }
}
