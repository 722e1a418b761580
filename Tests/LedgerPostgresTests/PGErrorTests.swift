import LedgerStorage
import Testing

@testable import LedgerPostgres

@Suite struct PGErrorTests {
  static func server(_ state: String, message: String = "m") -> PGError {
    PGError(
      location: "postgres://ci@127.0.0.1:5432/db (schema s)", sql: "UPDATE jobs SET status = $1\n  WHERE seq = $2",
      reason: .server(sqlState: state, message: message, detail: nil, hint: nil))
  }

  @Test(
    arguments: [
      ("40001", FailureKind.contention), ("40P01", .contention), ("55P03", .contention), ("57014", .contention),
      ("08006", .transientIO), ("08001", .transientIO), ("57P01", .transientIO), ("57P03", .transientIO),
      ("53100", .transientIO), ("53300", .transientIO), ("58030", .transientIO), ("25P03", .transientIO),
      ("XX001", .corruptData), ("XX002", .corruptData),
      ("23505", .internalError), ("23502", .internalError), ("42P01", .internalError), ("42601", .internalError),
      ("22021", .internalError), ("28P01", .internalError), ("3D000", .internalError), ("XX000", .internalError),
      ("40002", .internalError), ("25P02", .internalError),
    ] as [(String, FailureKind)])
  func classifiesBySQLSTATENotByText(state: String, kind: FailureKind) {
    #expect(Self.server(state).failureKind == kind)
  }

  @Test func aMessageMentioningADeadlockDoesNotMakeAConstraintFailureContention() {
    #expect(
      Self.server("23505", message: "duplicate key (deadlock_detected, serialization)").failureKind == .internalError)
  }

  @Test func clientSideFailuresAreClassifiedByWhatFailed() {
    let at = "postgres://ci@127.0.0.1:5432/db (schema s)"
    #expect(PGError(location: at, sql: nil, reason: .connection("refused")).failureKind == .transientIO)
    #expect(PGError(location: at, sql: "SELECT 1", reason: .client("unsupported auth")).failureKind == .internalError)
    #expect(
      PGError(location: at, sql: "SELECT 1", reason: .decoding(column: 2, message: "NULL")).failureKind
        == .internalError)
    #expect(PGError(location: at, sql: nil, reason: .misuse("event loop")).failureKind == .internalError)
  }

  @Test func theDescriptionNamesTheServerTheSQLSTATEAndTheStatementOnOneLine() {
    let text = Self.server("40P01", message: "deadlock detected").description
    #expect(
      text
        == "PostgreSQL error 40P01 (deadlock_detected) on postgres://ci@127.0.0.1:5432/db (schema s): deadlock detected"
        + " - while executing `UPDATE jobs SET status = $1 WHERE seq = $2`")
  }

  @Test func aLostConnectionIsToldApartFromAStatementError() {
    #expect(Self.server("57P01").connectionLost)
    #expect(Self.server("08006").connectionLost)
    #expect(!Self.server("23505").connectionLost)
    #expect(!Self.server("40001").connectionLost)
  }
}
