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

  /// The OS user running this process (``ProcessIdentity/osUser``).
  public static func currentOSUser() -> String { ProcessIdentity.osUser }
}
