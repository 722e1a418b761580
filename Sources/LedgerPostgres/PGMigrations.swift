/// Versioned schemas of the pieces that live in a store's PostgreSQL schema (the workflow ledger,
/// the key index), one version number per piece in `ledgerline_schema`.
///
/// Opening a piece runs its missing steps in one transaction, under an advisory lock on the
/// store's schema, so processes starting together never race on `CREATE`; a piece written by a
/// newer build (a version above the steps this build knows) is refused before anything changes.
/// The two bookkeeping tables (`ledgerline_schema`, and `ledgerline_store` for the store ids)
/// keep their shape in every version.
enum PGMigrations {
  /// The pieces, as named in the bookkeeping tables.
  enum Piece: String, Sendable {
    case ledger
    case index
  }

  static let bookkeeping = [
    "CREATE TABLE IF NOT EXISTS ledgerline_schema (piece TEXT PRIMARY KEY, version BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ledgerline_store (piece TEXT PRIMARY KEY, store_id TEXT NOT NULL)",
  ]

  /// Brings `piece` to version `steps.count`: step `n` (0-based) takes it from version `n` to
  /// `n + 1`, each a list of single statements. Throws `newer(found, supported)` when the stored
  /// version is above `steps.count`. Returns the version found before migrating.
  @discardableResult
  static func migrate(
    _ db: PGDatabase, piece: Piece, steps: [[String]], newer: (Int64, Int64) -> any Error
  ) throws -> Int64 {
    try db.transaction { session in
      try session.execute(
        "SELECT pg_advisory_xact_lock($1)", [.int(advisoryKey("migrate", schema: db.location.schema))])
      try session.execute("CREATE SCHEMA IF NOT EXISTS \(db.location.quotedSchema)")
      for statement in bookkeeping { try session.execute(statement) }
      let found =
        try session.scalarInt64("SELECT version FROM ledgerline_schema WHERE piece = $1", [.text(piece.rawValue)]) ?? 0
      let supported = Int64(steps.count)
      guard found <= supported else { throw newer(found, supported) }
      guard found < supported else { return found }
      for step in steps[Int(found)...] {
        for statement in step { try session.execute(statement) }
      }
      try session.execute(
        """
        INSERT INTO ledgerline_schema (piece, version) VALUES ($1, $2)
        ON CONFLICT (piece) DO UPDATE SET version = excluded.version
        """, [.text(piece.rawValue), .int(supported)])
      return found
    }
  }

  /// Opens `piece` for a writer (migrating it to `steps.count`) or, with `readOnly`, for a reader
  /// (``check(_:piece:supported:missing:older:newer:)``). `missing`, `older` and `newer` make the
  /// piece's own errors from the version found.
  static func open(
    _ db: PGDatabase, piece: Piece, steps: [[String]], readOnly: Bool, missing: () -> any Error,
    older: (Int64) -> any Error, newer: (Int64) -> any Error
  ) throws {
    if readOnly {
      try check(db, piece: piece, supported: Int64(steps.count), missing: missing, older: older, newer: newer)
    } else {
      try migrate(db, piece: piece, steps: steps) { found, _ in newer(found) }
    }
  }

  /// For a reader, which never migrates: checks that `piece` is at version `supported`, throwing
  /// `missing()` when it was never created, `older(found)` or `newer(found)` otherwise.
  static func check(
    _ db: PGDatabase, piece: Piece, supported: Int64, missing: () -> any Error, older: (Int64) -> any Error,
    newer: (Int64) -> any Error
  ) throws {
    let exists = try db.withSession { session in
      try session.scalarInt64(
        "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'ledgerline_schema'",
        [.text(db.location.schema)])
    }
    guard exists == 1 else { throw missing() }
    let found = try version(db, piece: piece)
    guard found != 0 else { throw missing() }
    guard found >= supported else { throw older(found) }
    guard found <= supported else { throw newer(found) }
  }

  /// The stored version of `piece` (0 when it was never created).
  static func version(_ db: PGDatabase, piece: Piece) throws -> Int64 {
    try db.withSession { session in
      try session.scalarInt64("SELECT version FROM ledgerline_schema WHERE piece = $1", [.text(piece.rawValue)]) ?? 0
    }
  }

  /// A 64-bit advisory-lock key for `purpose` in `schema` (FNV-1a over both): advisory locks are
  /// database-wide, so the schema is part of the key.
  static func advisoryKey(_ purpose: String, schema: String) -> Int64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in "ledgerline \(schema) \(purpose)".utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return Int64(bitPattern: hash)
  }
}
