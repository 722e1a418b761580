#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin, error-reporting wrappers over the POSIX calls the storage layer uses.
enum FileIO {
  /// Opens `path` with `flags`, retrying on EINTR.
  static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(StorageError) -> Int32 {
    while true {
      let fd = systemOpen(path, flags | O_CLOEXEC, mode)
      if fd >= 0 { return fd }
      if errno != EINTR { throw .ioFailed(operation: "open", path: path, errno: errno) }
    }
  }

  /// Writes all of `bytes` to `fd`, retrying partial writes and EINTR.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StorageError) {
    var done = 0
    while done < bytes.count {
      guard let base = bytes.baseAddress else { return }
      let written = write(fd, base + done, bytes.count - done)
      if written < 0 {
        if errno == EINTR { continue }
        throw .ioFailed(operation: "write", path: path, errno: errno)
      }
      done += written
    }
  }

  /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (fewer only at EOF).
  static func preadFully(
    _ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String
  ) throws(StorageError) -> Int {
    var done = 0
    while done < buffer.count {
      guard let base = buffer.baseAddress else { return 0 }
      let count = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
      if count < 0 {
        if errno == EINTR { continue }
        throw .ioFailed(operation: "read", path: path, errno: errno)
      }
      if count == 0 { break }
      done += count
    }
    return done
  }

  /// Flushes `fd` to stable storage.
  static func sync(_ fd: Int32, path: String) throws(StorageError) {
    guard fsync(fd) == 0 else { throw .ioFailed(operation: "fsync", path: path, errno: errno) }
  }

  /// Flushes the directory entry list of `path` (after a create, rename or link in it).
  static func syncDirectory(_ path: String) throws(StorageError) {
    let fd = try open(path, O_RDONLY | O_DIRECTORY)
    defer { close(fd) }
    try sync(fd, path: path)
  }

  /// The size in bytes of the open file `fd`.
  static func size(_ fd: Int32, path: String) throws(StorageError) -> Int64 {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .ioFailed(operation: "stat", path: path, errno: errno) }
    return Int64(info.st_size)
  }

  /// Creates `path` and any missing parents with `mode`; syncs the parent of each new directory.
  static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(StorageError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, mode) == 0 {
        try syncDirectory(parent(of: prefix))
      } else if errno != EEXIST {
        throw .ioFailed(operation: "create directory", path: prefix, errno: errno)
      }
    }
  }

  /// The directory part of `path` (`.` when there is none).
  static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}

/// `open(2)` under a name that does not clash with `FileIO.open`.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
  open(path, flags, mode)
}
