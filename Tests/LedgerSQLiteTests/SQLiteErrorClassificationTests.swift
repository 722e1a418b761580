import LedgerStorage
import Testing

@testable import LedgerSQLite

@Suite struct SQLiteErrorClassificationTests {
  static func error(_ code: Int32) -> SQLiteError {
    .executionFailed(path: "/d/index.sqlite", sql: "INSERT", code: code, message: "m")
  }

  @Test(
    arguments: [
      (5, FailureKind.contention), (6, .contention), (261, .contention),  // BUSY, LOCKED, BUSY_RECOVERY
      (10, .transientIO), (266, .transientIO), (13, .transientIO), (14, .transientIO), (7, .transientIO),
      (11, .corruptData), (26, .corruptData),
      (19, .internalError), (2067, .internalError), (21, .internalError), (1, .internalError),
      (20, .internalError), (8, .internalError),
    ] as [(Int32, FailureKind)])
  func classifiesByResultCodeNotByText(code: Int32, kind: FailureKind) {
    #expect(Self.error(code).failureKind == kind)
  }

  @Test func aMessageMentioningBusyDoesNotMakeAConstraintFailureTransient() {
    let error = SQLiteError.executionFailed(
      path: "/d/ledger.sqlite", sql: "INSERT", code: 19, message: "UNIQUE constraint failed: busy.id")
    #expect(error.failureKind == .internalError)
  }
}
