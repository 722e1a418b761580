import CLedgerWriteback

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The one file-system layer: thin wrappers over the POSIX calls Ledgerline makes, each retrying
/// `EINTR` and partial transfers, opening with `O_CLOEXEC`, and throwing a ``FileSystemError``
/// that names the operation and the path. Nothing here turns an error into an empty result.
public enum FileSystem {
  /// What a directory entry is, as `lstat(2)` sees it (links are not followed).
  public enum EntryKind: Sendable, Equatable {
    case regular, directory, symbolicLink, fifo, socket, device
  }

  /// Opens `path` with `flags` (`O_CLOEXEC` is added), retrying on EINTR.
  public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(FileSystemError)
    -> Int32
  {
    while true {
      let fd = systemOpen(path, flags | O_CLOEXEC, mode)
      if fd >= 0 { return fd }
      if errno != EINTR { throw FileSystemError(operation: "open", path: path, errno: errno) }
    }
  }

  /// Closes `fd`; errors are ignored (the descriptor is gone either way on Linux).
  public static func close(_ fd: Int32) {
    _ = systemClose(fd)
  }

  /// Writes all of `bytes` to `fd`, retrying partial writes and EINTR.
  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String)
    throws(FileSystemError)
  {
    try FileSystemFaults.shared.check(.write, path: path)
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      let written = write(fd, base + done, bytes.count - done)
      if written < 0 {
        if errno == EINTR { continue }
        throw FileSystemError(operation: "write", path: path, errno: errno)
      }
      done += written
    }
  }

  /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (fewer only at EOF).
  public static func preadFully(
    _ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String
  ) throws(FileSystemError) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var done = 0
    while done < buffer.count {
      let count = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
      if count < 0 {
        if errno == EINTR { continue }
        throw FileSystemError(operation: "read", path: path, errno: errno)
      }
      if count == 0 { break }
      done += count
    }
    return done
  }

  /// Starts writing the dirty pages of `fd` in `offset..<offset + count` to disk without waiting
  /// for them, so a later ``sync(_:path:)`` waits only for what is still in flight. Durability
  /// still comes from that sync alone: this is a head start (Linux `sync_file_range`; elsewhere it
  /// does nothing).
  public static func startWriteback(_ fd: Int32, offset: Int64, count: Int64, path: String) throws(FileSystemError) {
    guard ledger_start_writeback(fd, offset, count) == 0 else {
      throw FileSystemError(operation: "sync_file_range", path: path, errno: errno)
    }
  }

  /// Flushes `fd` to stable storage.
  public static func sync(_ fd: Int32, path: String) throws(FileSystemError) {
    try FileSystemFaults.shared.check(.fsync, path: path)
    guard fsync(fd) == 0 else { throw FileSystemError(operation: "fsync", path: path, errno: errno) }
  }

  /// Flushes the entry list of the directory `path` (after a create, rename or link in it).
  public static func syncDirectory(_ path: String) throws(FileSystemError) {
    let fd = try open(path, O_RDONLY | O_DIRECTORY)
    defer { close(fd) }
    try sync(fd, path: path)
  }

  /// The size in bytes of the open file `fd`.
  public static func size(_ fd: Int32, path: String) throws(FileSystemError) -> Int64 {
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw FileSystemError(operation: "stat", path: path, errno: errno)
    }
    return Int64(info.st_size)
  }

  /// The size in bytes of the file at `path` (links are followed).
  public static func size(of path: String) throws(FileSystemError) -> Int64 {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw FileSystemError(operation: "stat", path: path, errno: errno)
    }
    return Int64(info.st_size)
  }

  /// What `path` is without following a final symbolic link; `nil` when nothing is there.
  public static func kind(of path: String) throws(FileSystemError) -> EntryKind? {
    var info = stat()
    guard lstat(path, &info) == 0 else {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw FileSystemError(operation: "stat", path: path, errno: errno)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regular
    case S_IFDIR: return .directory
    case S_IFLNK: return .symbolicLink
    case S_IFIFO: return .fifo
    case S_IFSOCK: return .socket
    default: return .device
    }
  }

  /// Whether anything (a dangling link included) is at `path`.
  public static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Whether `path` is a directory (a link to one counts).
  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
  }

  /// Creates `path` and any missing parents with `mode`; syncs the parent of each new directory.
  public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(FileSystemError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, mode) == 0 {
        try syncDirectory(parent(of: prefix))
      } else if errno != EEXIST {
        throw FileSystemError(operation: "create directory", path: prefix, errno: errno)
      }
    }
  }

  /// Names of the entries of `directory` (without `.` and `..`), sorted by their bytes.
  public static func list(_ directory: String) throws(FileSystemError) -> [String] {
    guard let dir = opendir(directory) else {
      throw FileSystemError(operation: "list", path: directory, errno: errno)
    }
    defer { closedir(dir) }
    var names: [String] = []
    while true {
      errno = 0
      guard let entry = readdir(dir) else {
        if errno != 0 { throw FileSystemError(operation: "list", path: directory, errno: errno) }
        break
      }
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// Names in `directory`, or `[]` when the directory does not exist (any other error throws).
  public static func listIfPresent(_ directory: String) throws(FileSystemError) -> [String] {
    do {
      return try list(directory)
    } catch  where error.errno == ENOENT {
      return []
    }
  }

  /// Renames `from` to `to` (atomic on one file system).
  public static func rename(_ from: String, to: String) throws(FileSystemError) {
    try FileSystemFaults.shared.check(.rename, path: to)
    guard systemRename(from, to) == 0 else {
      throw FileSystemError(operation: "rename \(from) to", path: to, errno: errno)
    }
  }

  /// Hard-links `from` as `to` (fails with EEXIST when `to` exists: a no-overwrite publish).
  public static func link(_ from: String, to: String) throws(FileSystemError) {
    try FileSystemFaults.shared.check(.link, path: to)
    guard systemLink(from, to) == 0 else {
      throw FileSystemError(operation: "link \(from) as", path: to, errno: errno)
    }
  }

  /// Removes the file `path`; a missing file is not an error.
  public static func remove(_ path: String) throws(FileSystemError) {
    try FileSystemFaults.shared.check(.remove, path: path)
    guard unlink(path) == 0 || errno == ENOENT else {
      throw FileSystemError(operation: "remove", path: path, errno: errno)
    }
  }

  /// Reads the whole regular file at `path`. With `noFollow`, a symbolic link is refused
  /// (ELOOP) and a FIFO or device never blocks the caller (opened non-blocking, then refused).
  public static func readAll(_ path: String, noFollow: Bool = false) throws(FileSystemError) -> [UInt8] {
    let flags = O_RDONLY | (noFollow ? O_NOFOLLOW | O_NONBLOCK : 0)
    let fd = try open(path, flags)
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw FileSystemError(operation: "stat", path: path, errno: errno)
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw FileSystemError(operation: "read", path: path, errno: EINVAL)
    }
    // Read to the end, not to st_size: /proc files report 0 and a file may still grow.
    var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 4096))
    var total = 0
    while true {
      if total == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
      let offset = total
      let count = try bytes.withUnsafeMutableBytes { buffer in
        Result { () throws(FileSystemError) in
          try preadFully(
            fd, UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), offset: Int64(offset), path: path)
        }
      }.get()
      total += count
      if total < bytes.count { break }
    }
    bytes.removeLast(bytes.count - total)
    return bytes
  }

  /// The whole file at `path` as UTF-8 text (invalid bytes repaired).
  public static func readText(_ path: String) throws(FileSystemError) -> String {
    String(decoding: try readAll(path), as: UTF8.self)
  }

  /// Writes `bytes` to `path` atomically: a hidden temporary file in the same directory, fsync,
  /// rename, then an fsync of the directory.
  public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600)
    throws(FileSystemError)
  {
    let directory = parent(of: path)
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let temporary = "\(directory)/.\(name).tmp"
    let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
    do throws(FileSystemError) {
      try bytes.withUnsafeBytes { buffer in
        Result { () throws(FileSystemError) in try writeAll(fd, buffer, path: temporary) }
      }.get()
      try sync(fd, path: temporary)
    } catch {
      close(fd)
      _ = unlink(temporary)
      throw error
    }
    close(fd)
    try rename(temporary, to: path)
    try syncDirectory(directory)
  }

  /// The directory part of `path` (`.` when there is none).
  public static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}

// The POSIX functions under names that do not clash with `FileSystem`'s own.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
  open(path, flags, mode)
}
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func systemLink(_ from: String, _ to: String) -> Int32 { link(from, to) }

extension FileSystem {
  /// What `fstat` says of an open file: enough to tell whether it changed.
  public struct Status: Sendable, Equatable {
    public var size: Int64
    public var modifiedNanoseconds: Int64
    public var isRegular: Bool
  }

  /// The status of the open file `fd`.
  /// Whether the file of `fd` (opened read-only) is held open for writing anywhere on this host:
  /// a producer still writing it under its final name. Asked of the kernel with a read lease,
  /// which it refuses (`EAGAIN`) while any descriptor has the file open for writing; a lease
  /// taken is released at once. `nil` when the kernel cannot tell: a file system without leases
  /// (NFS), or a file of another user while this process lacks `CAP_LEASE`. A lease broken in
  /// between is signalled with SIGURG, ignored by default (not SIGIO, which would end the
  /// process).
  public static func isOpenForWriting(_ fd: Int32) -> Bool? {
    // Linux's F_SETLEASE (F_LINUX_SPECIFIC_BASE + 0) and F_SETSIG, which Glibc does not export
    // to Swift.
    let setLease: Int32 = 1024
    let setSignal: Int32 = 10
    guard fcntl(fd, setSignal, SIGURG) == 0 else { return nil }
    if fcntl(fd, setLease, Int32(F_RDLCK)) == 0 {
      _ = fcntl(fd, setLease, Int32(F_UNLCK))
      return false
    }
    return errno == EAGAIN ? true : nil
  }

  public static func status(_ fd: Int32, path: String) throws(FileSystemError) -> Status {
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw FileSystemError(operation: "stat", path: path, errno: errno)
    }
    return Status(
      size: Int64(info.st_size),
      modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
      isRegular: info.st_mode & S_IFMT == S_IFREG)
  }
}
