import LedgerStorage

/// The store id of a piece kept in `ledgerline_store` (one row per piece), with the rules of the
/// SQLite pieces: stamped once, the same id again is harmless, another id is refused.
enum PostgresStoreStamp {
  /// The recorded store id of `piece`, or nil when it was never stamped.
  static func read(_ db: PGDatabase, piece: PGMigrations.Piece) throws -> String? {
    try db.withSession { session in
      try session.query("SELECT store_id FROM ledgerline_store WHERE piece = $1", [.text(piece.rawValue)])
        .first?.text(0)
    }
  }

  /// Records `id` for `piece`, or checks it against the one recorded.
  static func stamp(_ db: PGDatabase, piece: PGMigrations.Piece, id: String, as named: StoreIdentityError.Piece)
    throws
  {
    try db.transaction { session in
      try session.execute(
        "INSERT INTO ledgerline_store (piece, store_id) VALUES ($1, $2) ON CONFLICT (piece) DO NOTHING",
        [.text(piece.rawValue), .text(id)])
      let found =
        try session.query("SELECT store_id FROM ledgerline_store WHERE piece = $1", [.text(piece.rawValue)])
        .first?.text(0) ?? id
      guard found == id else {
        throw StoreIdentityError.foreign(piece: named, path: db.location.description, found: found, expected: id)
      }
    }
  }
}
