#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A failed system call on a path: what was attempted, the path and the OS's error number.
///
/// The description reads `could not rename /d/inbox/a.jsonl to /d/archive/a.jsonl: No space left
/// on device (errno 28)`, so the message alone tells an operator what failed and where.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The operation, as a verb phrase: `open`, `read`, `fsync`, `rename … to …`.
  public var operation: String
  /// The file or directory the call was made on.
  public var path: String
  /// The OS error number (`errno`).
  public var errno: Int32

  /// An error for `operation` on `path` with OS error `errno`.
  public init(operation: String, path: String, errno: Int32) {
    self.operation = operation
    self.path = path
    self.errno = errno
  }

  /// Whether a later attempt may succeed: interrupted or temporarily unavailable resources,
  /// a full disk (space may be freed), I/O errors and stale handles.
  public var isTransient: Bool {
    switch errno {
    case EIO, ENOSPC, EDQUOT, EAGAIN, EBUSY, ENOMEM, ETIMEDOUT, ESTALE, EINTR, EMFILE, ENFILE:
      true
    default: false
    }
  }

  public var description: String {
    "could not \(operation) \(path): \(Self.systemMessage(errno)) (errno \(errno))"
  }

  /// The OS's text for `code`.
  public static func systemMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}
