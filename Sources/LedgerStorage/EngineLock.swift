import LedgerSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The exclusive claim of one engine on a data directory: an `flock(LOCK_EX)` on
/// `engine.lock`, holding the owner's pid. Released by `release()` or when deinitialised.
/// Read commands never take it.
public final class EngineLock: Sendable {
  /// The lock file.
  public let path: String
  private let fd: Mutex<Int32?>

  /// Takes the lock on `path` or throws `StorageError.engineLockHeld` naming the holder's pid.
  init(path: String, directory: String) throws {
    self.path = path
    let descriptor = try FileSystem.open(path, O_RDWR | O_CREAT)
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      let holder = EngineLock.readPID(descriptor)
      close(descriptor)
      if code == EWOULDBLOCK {
        throw StorageError.engineLockHeld(directory: directory, pid: holder)
      }
      throw FileSystemError(operation: "lock", path: path, errno: code)
    }
    let pid = Array("\(getpid())\n".utf8)
    guard ftruncate(descriptor, 0) == 0,
      pid.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == pid.count
    else {
      let code = errno
      close(descriptor)
      throw FileSystemError(operation: "write pid to", path: path, errno: code)
    }
    fd = Mutex(descriptor)
  }

  deinit { release() }

  /// Whether this lock is still held.
  public var isHeld: Bool { fd.withLock { $0 != nil } }

  /// Releases the lock (idempotent). The file stays; its pid is stale until the next engine.
  public func release() {
    fd.withLock { descriptor in
      guard let open = descriptor else { return }
      close(open)  // closing the only descriptor of the open file description drops the flock
      descriptor = nil
    }
  }

  private static func readPID(_ descriptor: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    let text = String(decoding: buffer[0..<count], as: UTF8.self)
    return Int32(text.trimmingWhitespace)
  }
}

extension String {
  fileprivate var trimmingWhitespace: String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
