import LedgerStorage

/// The store id kept in a SQLite database's `store` table (one row, key `store_id`), shared by
/// the workflow ledger and the key index.
enum SQLiteStoreStamp {
  static let schema = "CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

  /// The recorded store id; `nil` when the table or the row is missing (read-only opens of an
  /// older database cannot create the table).
  static func read(_ db: SQLiteDatabase) throws -> String? {
    try db.withConnection { conn in
      let tables = try conn.scalarInt64(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'store'")
      guard tables == 1 else { return nil }
      var id: String?
      try conn.query("SELECT value FROM store WHERE key = 'store_id'") { id = try $0.string(at: 0) }
      return id
    }
  }

  /// Records `id`, or checks it against the one recorded.
  static func stamp(_ db: SQLiteDatabase, id: String, piece: StoreIdentityError.Piece) throws {
    try db.transaction { conn in
      try conn.execute(schema)
      try conn.run("INSERT OR IGNORE INTO store(key, value) VALUES ('store_id', ?)", [.text(id)])
      var found = id
      try conn.query("SELECT value FROM store WHERE key = 'store_id'") { found = try $0.string(at: 0) }
      guard found == id else {
        throw StoreIdentityError.foreign(piece: piece, path: db.path, found: found, expected: id)
      }
    }
  }
}
