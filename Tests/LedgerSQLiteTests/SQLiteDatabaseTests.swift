import LedgerSQLite
import LedgerTesting
import Testing

@testable import LedgerStorage

struct SQLiteDatabaseTests {
  /// SQLite's memory statistics cost a global mutex per allocation, which every connection of
  /// the engine's threads contended for (0.5 CPU-s of 8 on scenario 7); they are off.
  @Test func sqliteKeepsNoMemoryStatistics() throws {
    let dir = try TemporaryDirectory()
    let db = try SQLiteDatabase(path: dir.file("m.sqlite"))
    try db.execute("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('one'), ('two')")
    #expect(try db.withConnection { try $0.scalarInt64("SELECT count(*) FROM t") } == 2)
    #expect(!SQLiteDatabase.keepsMemoryStatistics)
  }

  @Test func roundTripsIntegersTextDoublesAndNulls() throws {
    let dir = try TemporaryDirectory()
    let db = try SQLiteDatabase(path: dir.file("t.sqlite"))
    try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)")
    let texts = ["", "café ✓", "a\u{0}b"]
    try db.withConnection { conn in
      for (i, text) in texts.enumerated() {
        try conn.run(
          "INSERT INTO t VALUES (?, ?, ?)", [.integer(Int64.max - 5 + Int64(i)), .text(text), .real(1.5)])
      }
      try conn.run("INSERT INTO t VALUES (?, ?, ?)", [.integer(-1), .null, .null])
      #expect(conn.lastInsertRowID == -1)
      #expect(conn.changes == 1)
    }
    var rows: [String] = []
    try db.withConnection { conn in
      try conn.query("SELECT id, name, score FROM t ORDER BY id") { row in
        rows.append(
          "\(row.int64(at: 0)) \(row.optionalString(at: 1).debugDescription) \(row.double(at: 2).debugDescription)")
      }
    }
    #expect(
      rows == [
        "-1 nil nil",
        "9223372036854775802 Optional(\"\") Optional(1.5)",
        "9223372036854775803 Optional(\"café ✓\") Optional(1.5)",
        "9223372036854775804 Optional(\"a\\0b\") Optional(1.5)",
      ])
  }

  @Test func transactionRollsBackWhenBodyThrows() throws {
    struct Boom: Error {}
    let dir = try TemporaryDirectory()
    let db = try SQLiteDatabase(path: dir.file("t.sqlite"))
    try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    #expect(throws: Boom.self) {
      try db.transaction { conn in
        try conn.run("INSERT INTO t VALUES (1)")
        throw Boom()
      }
    }
    try db.transaction { conn in try conn.run("INSERT INTO t VALUES (2)") }
    let count = try db.withConnection { conn in try conn.scalarInt64("SELECT count(*) FROM t") }
    let maxID = try db.withConnection { conn in try conn.scalarInt64("SELECT max(id) FROM t") }
    #expect(count == 1)
    #expect(maxID == 2)
  }

  @Test func cachesPreparedStatementsBySQLText() throws {
    let dir = try TemporaryDirectory()
    let db = try SQLiteDatabase(path: dir.file("t.sqlite"))
    let same = try db.withConnection { conn in
      try conn.cachedStatement("SELECT 1") === conn.cachedStatement("SELECT 1")
    }
    #expect(same)
  }

  @Test func syntaxErrorNamesTheSQLAndTheFile() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("t.sqlite")
    let db = try SQLiteDatabase(path: path)
    let error = try #require(throws: SQLiteError.self) { try db.execute("SELEC 1") }
    #expect(error.code == 1)
    #expect(error.sql == "SELEC 1")
    #expect(
      error.description
        == "SQLite error 1 (SQL error) in \(path): near \"SELEC\": syntax error - while executing `SELEC 1`")
  }

  @Test func constraintViolationReportsExtendedCodeAndStatement() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("t.sqlite")
    let db = try SQLiteDatabase(path: path)
    try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    let error = try #require(throws: SQLiteError.self) {
      try db.withConnection { conn in
        try conn.run("INSERT INTO t VALUES (?)", [.integer(7)])
        try conn.run("INSERT INTO t VALUES (?)", [.integer(7)])
      }
    }
    #expect(error.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
    #expect(
      error.description
        == "SQLite error 1555 (constraint failed) in \(path): UNIQUE constraint failed: t.id - while executing `INSERT INTO t VALUES (?)`"
    )
  }

  @Test func readOnlyModeReadsButRefusesWrites() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("t.sqlite")
    let writer = try SQLiteDatabase(path: path)
    try writer.execute("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (3);")
    let reader = try SQLiteDatabase(path: path, mode: .readOnly)
    let value = try reader.withConnection { conn in try conn.scalarInt64("SELECT id FROM t") }
    #expect(value == 3)
    let error = try #require(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (4)") }
    #expect(error.code & 0xFF == 8)  // SQLITE_READONLY
  }

  @Test func readOnlyOpenOfMissingFileFailsWithPath() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("missing.sqlite")
    let error = try #require(throws: SQLiteError.self) {
      try SQLiteDatabase(path: path, mode: .readOnly)
    }
    #expect(
      error.description
        == "SQLite error 14 (unable to open database file) in \(path): unable to open database file - check that the file exists, is a SQLite database and is readable"
    )
  }
}
