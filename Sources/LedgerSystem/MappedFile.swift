#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A regular file mapped read-only into memory (`mmap`), so a large input is read where it lies
/// in the page cache instead of being copied whole into the process. Links are not followed and
/// a FIFO never blocks the open. Unmapped on deinit.
///
/// `@unchecked Sendable` is safe: the mapping is read-only and immutable for the object's whole
/// life; `base` and `count` are `let`s.
public final class MappedFile: @unchecked Sendable {
  /// The file's path.
  public let path: String
  private let base: UnsafeRawPointer?
  /// The file's size in bytes.
  public let count: Int

  /// Maps the regular file at `path`; `sequential` tells the kernel it will be read front to back
  /// (read ahead, drop behind), otherwise at random (sorted runs searched by key).
  public init(path: String, sequential: Bool = true) throws(FileSystemError) {
    self.path = path
    let fd = try FileSystem.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    defer { FileSystem.close(fd) }
    let status = try FileSystem.status(fd, path: path)
    guard status.isRegular else { throw FileSystemError(operation: "map", path: path, errno: EINVAL) }
    count = Int(status.size)
    guard count > 0 else {
      base = nil
      return
    }
    guard let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
      throw FileSystemError(operation: "map", path: path, errno: errno)
    }
    _ = madvise(mapped, count, sequential ? MADV_SEQUENTIAL : MADV_RANDOM)
    base = UnsafeRawPointer(mapped)
  }

  deinit {
    if let base { _ = munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }

  /// Drops the whole pages inside `range` from this process's mapping (`MADV_DONTNEED`): they
  /// stop counting as its resident memory, and stay in the page cache. Reading them again maps
  /// them again, with the same bytes (the mapping is read-only).
  public func release(_ range: Range<Int>) {
    guard let base else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (max(0, range.lowerBound) + page - 1) / page * page
    let end = min(count, range.upperBound) / page * page
    guard end > start else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
  }

  /// The mapped bytes (empty for an empty file). Valid while `self` is alive.
  public var bytes: UnsafeBufferPointer<UInt8> {
    guard let base else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
  }
}
