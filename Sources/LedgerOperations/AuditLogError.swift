/// Why an audit record could not be written.
public struct AuditLogError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The audit log's path.
  public var path: String
  /// The OS's reason.
  public var reason: String

  /// Creates an error.
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  /// A message a person can act on.
  public var description: String {
    "could not append to the audit log \(path): \(reason); check the file's directory, permissions and disk space"
  }
}
