import LedgerSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The layout of one engine's data directory (SPEC §5), private to its owner (0700).
///
/// ```
/// <root>/inbox/<source>/          input batches land here
/// <root>/archive/<source>/        registered batches, unchanged (the evidence)
/// <root>/parts/ , parts/tmp/      published part files / parts being written
/// <root>/stateless/               stateless-stage output
/// <root>/rejects/ , refused/      rejected lines / refused files
/// <root>/index.sqlite             key index: its list of runs, event ids, garbage
/// <root>/index-runs/               key-index runs (sorted entries, immutable)
/// <root>/ledger.sqlite            workflow ledger
/// <root>/audit.log                append-only audit log
/// <root>/engine.lock              held by the running engine
/// ```
public struct DataDirectory: Sendable, Equatable {
  /// The data directory itself.
  public let root: String

  /// The layout under `root` (a trailing `/` is ignored). Nothing is touched on disk.
  public init(root: String) {
    var trimmed = root
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    self.root = trimmed
  }

  /// Where producers drop input batches.
  public var inbox: String { root + "/inbox" }
  /// The archive root.
  public var archive: String { root + "/archive" }
  /// Published part files.
  public var parts: String { root + "/parts" }
  /// Part files being written.
  public var partsTemporary: String { root + "/parts/tmp" }
  /// Stateless-stage output.
  public var stateless: String { root + "/stateless" }
  /// Rejected lines.
  public var rejects: String { root + "/rejects" }
  /// Refused input files.
  public var refused: String { root + "/refused" }
  /// The key index database.
  public var indexDatabase: String { root + "/index.sqlite" }
  /// The workflow ledger database.
  public var ledgerDatabase: String { root + "/ledger.sqlite" }
  /// The append-only audit log.
  public var auditLog: String { root + "/audit.log" }
  /// The engine lock file.
  public var engineLock: String { root + "/engine.lock" }

  /// The inbox folder of `source`.
  public func inbox(source: String) -> String { inbox + "/" + source }
  /// The archive folder of `source`.
  public func archive(source: String) -> String { archive + "/" + source }

  /// Every folder `create()` makes, root first.
  public var directories: [String] {
    [root, inbox, archive, parts, partsTemporary, stateless, rejects, refused]
  }

  /// Creates the directory and its folders with mode 0700. An existing root owned by this user
  /// is made private (chmod 0700); one owned by someone else must already be writable.
  public func create() throws {
    try FileSystem.makeDirectories(root)
    try makePrivate()
    for directory in directories.dropFirst() {
      try FileSystem.makeDirectories(directory)
    }
  }

  private func makePrivate() throws {
    var info = stat()
    guard stat(root, &info) == 0 else {
      throw FileSystemError(operation: "stat", path: root, errno: errno)
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
      throw StorageError.directoryNotUsable(path: root, detail: "it is not a directory")
    }
    if info.st_uid == geteuid() {
      guard info.st_mode & 0o777 == 0o700 || chmod(root, 0o700) == 0 else {
        throw FileSystemError(operation: "make private (chmod 0700)", path: root, errno: errno)
      }
    } else if access(root, W_OK | X_OK) != 0 {
      throw StorageError.directoryNotUsable(
        path: root, detail: "it is owned by uid \(info.st_uid) and not writable by uid \(geteuid())")
    }
  }

  /// The pid of the engine holding this directory's lock, or `nil` when no engine runs here
  /// (read-only: a shared lock is tried and released at once; never blocks).
  public func engineHolder() -> Int32? {
    guard let fd = try? FileSystem.open(engineLock, O_RDONLY) else { return nil }
    defer { FileSystem.close(fd) }
    guard flock(fd, LOCK_SH | LOCK_NB) != 0 else {
      _ = flock(fd, LOCK_UN)
      return nil
    }
    guard errno == EWOULDBLOCK, let text = try? FileSystem.readText(engineLock) else { return nil }
    return Int32(String(text.filter(\.isNumber))) ?? -1
  }

  /// Takes the engine lock, or throws `StorageError.engineLockHeld` when another engine runs here.
  public func acquireEngineLock() throws -> EngineLock {
    try EngineLock(path: engineLock, directory: root)
  }
}
