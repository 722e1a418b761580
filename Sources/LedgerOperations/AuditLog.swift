/// An append-only record of destructive and money-moving actions (console and CLI): who (the OS
/// user), when, what, and the batch it created.
public protocol AuditLog: Sendable {
  /// Appends `record`; a failure is reported to the user, never ignored.
  func append(_ record: AuditRecord) -> Result<Void, AuditLogError>
}
