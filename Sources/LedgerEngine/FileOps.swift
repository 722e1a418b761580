import Foundation

/// Small file-system operations the engine needs, with errors that name the path.
enum FileOps {
  /// Entries of a directory (names only, unsorted); empty when it does not exist.
  static func list(_ path: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  }

  static func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
  }

  static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  static func size(_ path: String) throws -> Int64 {
    var st = stat()
    guard stat(path, &st) == 0 else { throw EngineIOError.stat(path: path, errno: errno) }
    return Int64(st.st_size)
  }

  static func makeDirectory(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw EngineIOError.createDirectory(path: path, detail: "\(error)")
    }
  }

  /// Renames `from` to `to` (same file system: atomic).
  static func rename(_ from: String, _ to: String) throws {
    guard Foundation.rename(from, to) == 0 else {
      throw EngineIOError.rename(from: from, to: to, errno: errno)
    }
  }

  static func remove(_ path: String) {
    _ = unlink(path)
  }

  /// Reads a whole file.
  static func read(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw EngineIOError.open(path: path, errno: errno) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw EngineIOError.stat(path: path, errno: errno) }
    let size = Int(st.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    while done < size {
      let n = bytes.withUnsafeMutableBytes { buf in
        pread(fd, buf.baseAddress.map { $0 + done }, size - done, off_t(done))
      }
      guard n > 0 else { throw EngineIOError.read(path: path, errno: n < 0 ? errno : EIO) }
      done += n
    }
    return bytes
  }

  /// Writes `bytes` to `path` atomically: a hidden temporary file in the same directory,
  /// fsync, then rename.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let dir = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let tmp = "\(dir)/.\(name).tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw EngineIOError.open(path: tmp, errno: errno) }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { buf in
        write(fd, buf.baseAddress.map { $0 + written }, bytes.count - written)
      }
      guard n > 0 else {
        close(fd)
        throw EngineIOError.write(path: tmp, errno: errno)
      }
      written += n
    }
    guard fsync(fd) == 0 else {
      close(fd)
      throw EngineIOError.write(path: tmp, errno: errno)
    }
    close(fd)
    try rename(tmp, path)
  }
}

/// File-system failures of the engine; each names the path and the system error.
public enum EngineIOError: Error, Sendable, CustomStringConvertible {
  case open(path: String, errno: Int32)
  case read(path: String, errno: Int32)
  case write(path: String, errno: Int32)
  case stat(path: String, errno: Int32)
  case rename(from: String, to: String, errno: Int32)
  case createDirectory(path: String, detail: String)

  public var description: String {
    switch self {
    case .open(let path, let e): "cannot open \(path): \(String(cString: strerror(e)))"
    case .read(let path, let e): "cannot read \(path): \(String(cString: strerror(e)))"
    case .write(let path, let e): "cannot write \(path): \(String(cString: strerror(e)))"
    case .stat(let path, let e): "cannot stat \(path): \(String(cString: strerror(e)))"
    case .rename(let from, let to, let e):
      "cannot move \(from) to \(to): \(String(cString: strerror(e)))"
    case .createDirectory(let path, let detail): "cannot create directory \(path): \(detail)"
    }
  }
}
