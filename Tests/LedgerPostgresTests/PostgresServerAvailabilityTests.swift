import LedgerTesting
import Testing

@testable import LedgerPostgres

/// Whether the PostgreSQL cases run, said out loud: in CI a missing server fails here; outside CI
/// it is a recorded skip (and the line `PostgresTestServer` prints).
@Suite struct PostgresServerAvailabilityTests {
  @Test(.enabled(if: PostgresTestServer.inCI, "outside CI, a missing server skips the PostgreSQL cases"))
  func ciAlwaysHasAServerForThePostgresCases() {
    #expect(PostgresTestServer.url != nil, "\(PostgresTestServer.Missing())")
  }

  @Test(.enabled(if: PostgresTestServer.url != nil, Comment(rawValue: PostgresTestServer.skipComment)))
  func theConfiguredServerAnswers() throws {
    let db = try PGDatabase(try PostgresTestServer.location(schema: "public"))
    let version = try db.withSession { try $0.scalarInt64("SELECT current_setting('server_version_num')::BIGINT") }
    // pg_terminate_backend(pid, timeout) and the rest used here need PostgreSQL 14 or later.
    #expect((version ?? 0) >= 140_000)
  }
}
