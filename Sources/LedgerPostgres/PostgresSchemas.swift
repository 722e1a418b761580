/// Whole-schema operations on a store in PostgreSQL.
public enum PostgresSchemas {
  /// Renames `location`'s schema, with everything in it, to a free name
  /// `<schema>_before_<stamp>` (`_2`, `_3`, … when taken; the schema's part shortened to keep
  /// the name within 63 bytes), and returns that name; nil when the schema does not exist.
  /// Nothing is dropped: the tables keep their rows under the new name.
  public static func moveAside(_ location: PostgresLocation, stamp: String) throws -> String? {
    let admin = try PGDatabase(try location.with(schema: "public"))
    return try admin.transaction { session -> String? in
      let exists = try session.scalarInt64(
        "SELECT count(*) FROM pg_namespace WHERE nspname = $1", [.text(location.schema)])
      guard exists == 1 else { return nil }
      var n = 1
      while true {
        let suffix = "_before_\(stamp)" + (n == 1 ? "" : "_\(n)")
        let name = String(location.schema.prefix(63 - suffix.utf8.count)) + suffix
        let taken = try session.scalarInt64("SELECT count(*) FROM pg_namespace WHERE nspname = $1", [.text(name)])
        if taken == 0 {
          guard PostgresLocation.isPlainIdentifier(name) else { throw PostgresLocationError.badSchema(name) }
          try session.execute("ALTER SCHEMA \(location.quotedSchema) RENAME TO \"\(name)\"")
          return name
        }
        n += 1
      }
    }
  }

  /// Drops `location`'s schema and everything in it (nothing happens when it does not exist).
  public static func drop(_ location: PostgresLocation) throws {
    let admin = try PGDatabase(try location.with(schema: "public"))
    try admin.withSession { try $0.execute("DROP SCHEMA IF EXISTS \(location.quotedSchema) CASCADE") }
  }
}
