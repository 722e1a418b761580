/// An append-only record of destructive and money-moving console actions.
public protocol AuditLog: Sendable {
  /// Appends `record`; a failure is reported to the user, never ignored.
  func append(_ record: AuditRecord) -> Result<Void, AuditLogError>
}
