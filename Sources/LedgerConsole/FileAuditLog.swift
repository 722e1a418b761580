import Glibc

/// The audit log as a JSON Lines file opened with `O_APPEND` for each record (one `write` +
/// `fsync` per record, so concurrent consoles never interleave partial lines).
public struct FileAuditLog: AuditLog {
  /// The file's path.
  public let path: String

  /// An audit log at `path` (created 0600 on first write).
  public init(path: String) {
    self.path = path
  }

  /// Appends one JSON line: `{"time","os_user","action","details","batch"}`.
  public func append(_ record: AuditRecord) -> Result<Void, AuditLogError> {
    SystemFile.append(record.jsonLine, to: path).mapError {
      AuditLogError(path: $0.path, reason: $0.reason)
    }
  }

  /// The OS user running this process: the password entry of the effective uid, else the
  /// login name, else `uid <n>`.
  public static func currentOSUser() -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
      return String(cString: name)
    }
    if let login = getlogin() { return String(cString: login) }
    return "uid \(geteuid())"
  }
}
