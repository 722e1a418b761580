import Glibc
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerSQLite

@Suite struct SQLiteWorkflowLedgerMigrationTests {
  @Test func aLedgerOfTheFirstSchemaGainsFingerprintsAndKeepsItsBatches() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let db = try SQLiteDatabase(path: path)
      try db.execute(
        """
        CREATE TABLE input_batches(
          id INTEGER PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL,
          from_s INTEGER NOT NULL, to_s INTEGER NOT NULL, bytes INTEGER NOT NULL,
          archive_path TEXT NOT NULL, scan INTEGER NOT NULL, registered_at INTEGER NOT NULL,
          job INTEGER, UNIQUE(source, name));
        INSERT INTO input_batches(source, name, from_s, to_s, bytes, archive_path, scan, registered_at)
          VALUES ('web', 'a.jsonl', 0, 60, 5, 'archive/web/a.jsonl', 1, 10);
        """)
    }
    let ledger = try SQLiteWorkflowLedger(path: path)
    #expect(try ledger.inputBatches(source: "web").map(\.batch.name) == ["a.jsonl"])
    #expect(try ledger.inputBatches(source: "web").first?.batch.sha256 == nil)
    let version = try ledger.db.withConnection { try $0.scalarInt64("PRAGMA user_version") }
    #expect(version == SQLiteWorkflowLedger.schemaVersion)
  }

  @Test func aLedgerFromANewerBuildIsRefused() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let db = try SQLiteDatabase(path: path)
      try db.execute("PRAGMA user_version = 99")
    }
    #expect(throws: LedgerError.self) { try SQLiteWorkflowLedger(path: path) }
    do {
      _ = try SQLiteWorkflowLedger(path: path)
    } catch {
      #expect("\(error)".hasSuffix("has schema version 99; this ledgerline understands up to 4 — upgrade ledgerline"))
    }
  }

  @Test func databaseFilesArePrivateToTheirOwner() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    let ledger = try SQLiteWorkflowLedger(path: path)
    _ = try ledger.register(
      [NewInputBatch(source: "web", name: "a", from: 0, to: 1, bytes: 0, archivePath: "x", scan: 1)], at: 1)
    for file in [path, path + "-wal", path + "-shm"] {
      var info = stat()
      #expect(stat(file, &info) == 0, "\(file) missing")
      #expect(info.st_mode & 0o777 == 0o600, "\(file) has mode \(String(info.st_mode & 0o777, radix: 8))")
    }
  }
}
