import Glibc

/// Small POSIX file helpers (reading theme files, listing the themes directory, appending to
/// the audit log) so the console does not need Foundation.
enum SystemFile {
  /// The text for the current `errno`.
  static func lastError() -> String { String(cString: strerror(errno)) }

  /// The whole file at `path` as UTF-8 text (invalid bytes repaired), or the OS error text.
  static func read(_ path: String) -> Result<String, SystemFileFailure> {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return .failure(SystemFileFailure(path: path, reason: lastError())) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return .failure(SystemFileFailure(path: path, reason: lastError()))
      }
      if count == 0 { break }
      bytes.append(contentsOf: buffer[0..<count])
    }
    return .success(String(decoding: bytes, as: UTF8.self))
  }

  /// Names of the entries of `directory` (without `.` and `..`), sorted.
  static func list(_ directory: String) -> Result<[String], SystemFileFailure> {
    guard let dir = opendir(directory) else {
      return .failure(SystemFileFailure(path: directory, reason: lastError()))
    }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return .success(names.sorted())
  }

}

/// An OS-level file failure: the path and the OS's reason.
struct SystemFileFailure: Error, Sendable, Equatable {
  var path: String
  var reason: String
}
