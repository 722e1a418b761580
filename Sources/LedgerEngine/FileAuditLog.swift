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
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return .failure(AuditLogError(path: path, reason: Self.lastError())) }
    defer { close(fd) }
    let bytes = Array(record.jsonLine.utf8)
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    guard written == bytes.count else {
      return .failure(AuditLogError(path: path, reason: written < 0 ? Self.lastError() : "short write"))
    }
    guard fsync(fd) == 0 else { return .failure(AuditLogError(path: path, reason: Self.lastError())) }
    return .success(())
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

  private static func lastError() -> String { String(cString: strerror(errno)) }
}
