import Testing

@testable import LedgerPostgres

@Suite struct PostgresLocationTests {
  @Test func aURLGivesServerUserDatabaseAndTheSchemaAsked() throws {
    let location = try PostgresLocation(url: "postgres://ci@127.0.0.1:55432/ledgerline_ci", schema: "store_a")
    #expect(location.host == "127.0.0.1" && location.port == 55432 && location.user == "ci")
    #expect(location.password == nil && location.database == "ledgerline_ci" && location.schema == "store_a")
    #expect(location.description == "postgres://ci@127.0.0.1:55432/ledgerline_ci (schema store_a)")
    let defaults = try PostgresLocation(url: "postgresql://ann@db.example/ledger?sslmode=disable")
    #expect(defaults.port == 5432 && defaults.schema == PostgresLocation.defaultSchema)
  }

  @Test func theURLMayNameTheSchemaAndAnExplicitSchemaWins() throws {
    #expect(try PostgresLocation(url: "postgres://ann@127.0.0.1/db?schema=store_b").schema == "store_b")
    #expect(
      try PostgresLocation(url: "postgres://ann@127.0.0.1/db?schema=store_b", schema: "store_c").schema == "store_c")
    #expect(throws: PostgresLocationError.badSchema("Store-B")) {
      try PostgresLocation(url: "postgres://ann@127.0.0.1/db?schema=Store-B")
    }
  }

  @Test func aPasswordIsDecodedAndNeverShown() throws {
    let location = try PostgresLocation(url: "postgres://ann:s%40cret@127.0.0.1:5432/db")
    #expect(location.password == "s@cret")
    #expect(!location.description.contains("cret"))
    let refused = try #require(throws: PostgresLocationError.self) {
      try PostgresLocation(url: "postgres://ann:s%40cret@127.0.0.1:5432/db?sslmode=require")
    }
    #expect(!refused.description.contains("cret") && refused.description.contains("sslmode=require"))
  }

  @Test(arguments: [
    "mysql://ann@127.0.0.1/db", "postgres://127.0.0.1:5432/db", "postgres://ann@127.0.0.1:5432",
    "postgres://ann@127.0.0.1:5432/db/extra", "postgres://ann@127.0.0.1/db?application_name=x", "not a url",
  ])
  func aURLThatCannotBeUsedIsRefusedWithTheExpectedForm(url: String) {
    let refused = #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: url) }
    #expect(refused?.description.contains("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE") == true)
  }

  @Test(arguments: ["", "Store", "1store", "store-a", "store a", "s\"; DROP", String(repeating: "s", count: 64)])
  func aSchemaNameMustBeAPlainLowerCaseIdentifier(schema: String) {
    #expect(throws: PostgresLocationError.badSchema(schema)) {
      try PostgresLocation(url: "postgres://ann@127.0.0.1/db", schema: schema)
    }
  }

  @Test func schemaNamesThatArePlainIdentifiersAreKept() throws {
    for schema in ["ledgerline", "_x", "store_2026", String(repeating: "s", count: 63)] {
      #expect(try PostgresLocation(url: "postgres://ann@127.0.0.1/db", schema: schema).quotedSchema == "\"\(schema)\"")
    }
  }
}
