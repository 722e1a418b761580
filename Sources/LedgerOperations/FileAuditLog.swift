import Glibc
import LedgerSystem

/// The audit log as a JSON Lines file opened with `O_APPEND` for each record (one `write` +
/// `fsync` per record, so concurrent consoles never interleave partial lines).
public struct FileAuditLog: AuditLog {
  /// The file's path.
  public let path: String

  /// An audit log at `path` (created 0600 on first write).
  public init(path: String) {
    self.path = path
  }

  /// Appends one JSON line: `{"action","batch","details","host","os_user","time"}`.
  public func append(_ record: AuditRecord) -> Result<Void, AuditLogError> {
    let line: String
    do {
      line = try record.jsonLine
    } catch {
      return .failure(AuditLogError(path: path, reason: "cannot encode the record: \(error)"))
    }
    do {
      let fd = try FileSystem.open(path, O_WRONLY | O_APPEND | O_CREAT)
      defer { FileSystem.close(fd) }
      try Array(line.utf8).withUnsafeBytes { bytes in
        Result { () throws(FileSystemError) in try FileSystem.writeAll(fd, bytes, path: path) }
      }.get()
      try FileSystem.sync(fd, path: path)
      return .success(())
    } catch {
      return .failure(AuditLogError(path: path, reason: FileSystemError.systemMessage(error.errno)))
    }
  }

  /// The OS user running this process: the password entry of the effective uid, else the
  /// login name, else `uid <n>`.
  public static func currentOSUser() -> String {
    osUser(uid: geteuid(), passwordName: passwordName(of:), loginName: loginName)
  }

  /// The rule behind ``currentOSUser()`` with its lookups injected (for tests).
  static func osUser(
    uid: uid_t, passwordName: (uid_t) -> String?, loginName: () -> String?
  ) -> String {
    passwordName(uid) ?? loginName() ?? "uid \(uid)"
  }

  private static func passwordName(of uid: uid_t) -> String? {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
    return String(cString: name)
  }

  private static func loginName() -> String? {
    getlogin().map { String(cString: $0) }
  }
}
