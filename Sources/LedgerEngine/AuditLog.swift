import Foundation

/// The append-only audit log (`audit.log`): every money-moving or destructive action, who did
/// it (the OS user, not only a typed author), when, what, and the batch it created.
public struct AuditLog: Sendable {
  public let path: String

  public init(path: String) {
    self.path = path
  }

  /// The OS user running this process.
  public static var osUser: String {
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return "uid:\(geteuid())"
  }

  /// Appends one record (O_APPEND: concurrent writers never interleave within a line).
  public func record(action: String, details: [(String, String)], batch: String?, at millis: Int64) throws {
    var fields: [(String, String)] = [
      ("at", JSONText.quote(StatusReport.instant(millis))), ("os_user", JSONText.quote(Self.osUser)),
      ("pid", String(getpid())), ("action", JSONText.quote(action)),
    ]
    fields += details.map { ($0.0, JSONText.quote($0.1)) }
    fields.append(("batch", batch.map(JSONText.quote) ?? "null"))
    let line = Array((JSONText.object(fields) + "\n").utf8)
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    guard fd >= 0 else { throw EngineIOError.open(path: path, errno: errno) }
    defer { close(fd) }
    let n = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard n == line.count, fsync(fd) == 0 else { throw EngineIOError.write(path: path, errno: errno) }
  }
}
