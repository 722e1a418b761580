import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads framed records from published part files by `pread`, verifying each frame: magic,
/// length, CRC32C, format version and type. A corrupt byte throws; it is never returned.
///
/// Thread-safe: open file descriptors are cached (at most `maxOpenFiles`, least recently used
/// closed first) behind a `Mutex`; reads run outside the lock on a reference-counted descriptor,
/// so evicting a file never closes it under a concurrent read.
public final class PartFileReader: Sendable {
  /// The parts directory that `ArtifactLocation.part` names are relative to.
  public let partsDirectory: String
  /// The most descriptors kept open at once.
  public let maxOpenFiles: Int
  private let files: Mutex<[String: CachedFile]> = Mutex([:])
  private let clock = Atomic<UInt64>(0)

  /// A reader of the parts under `partsDirectory`.
  public init(partsDirectory: String, maxOpenFiles: Int = 64) {
    self.partsDirectory = partsDirectory
    self.maxOpenFiles = max(1, maxOpenFiles)
  }

  /// Reads and verifies the record at `location`.
  public func read(_ location: ArtifactLocation) throws -> (type: RecordType, payload: [UInt8]) {
    guard Int(location.length) >= RecordFrame.headerSize, location.offset >= 0 else {
      throw StorageError.invalidLocation(location)
    }
    let file = try open(location.part)
    var frame = [UInt8](repeating: 0, count: Int(location.length))
    let count = try frame.withUnsafeMutableBytes { raw in
      try FileIO.preadFully(file.fd, raw, offset: location.offset, path: file.path)
    }
    if count >= 4 && !frame[0..<4].elementsEqual(RecordFrame.magic) {
      throw StorageError.badMagic(part: location.part, offset: location.offset, found: Array(frame[0..<4]))
    }
    guard count == frame.count else {
      throw StorageError.shortRead(
        part: location.part, offset: location.offset, length: location.length,
        fileSize: location.offset + Int64(count))
    }
    let header = try RecordFrame.parseHeader(frame, part: location.part, offset: location.offset)
    guard header.payloadLength + Int64(RecordFrame.headerSize) == Int64(location.length) else {
      throw StorageError.lengthMismatch(
        part: location.part, offset: location.offset, expected: location.length,
        header: header.payloadLength + Int64(RecordFrame.headerSize))
    }
    let type = try RecordFrame.verify(frame, header: header, part: location.part, offset: location.offset)
    return (type, Array(frame[RecordFrame.headerSize...]))
  }

  /// Reads the record at `location` and checks that it is of `type`; returns its payload.
  public func read(_ location: ArtifactLocation, expecting type: RecordType) throws -> [UInt8] {
    let record = try read(location)
    guard record.type == type else {
      throw StorageError.unexpectedRecordType(
        part: location.part, offset: location.offset, expected: type, found: record.type)
    }
    return record.payload
  }

  /// Scans every record of `part` in order (for recovery and compaction), verifying each.
  /// An incomplete record at the end throws `StorageError.tornTail` naming the intact prefix.
  public func forEachRecord(
    inPart part: String, _ body: (ArtifactLocation, RecordType, [UInt8]) throws -> Void
  ) throws {
    let file = try open(part)
    var scanner = try PartFileScanner(fd: file.fd, path: file.path, part: part)
    while let record = try scanner.next() {
      try body(record.location, record.type, record.payload)
    }
  }

  /// Closes the cached descriptor of `part` (after compaction deletes it).
  public func evict(part: String) {
    _ = files.withLock { $0.removeValue(forKey: part) }
  }

  /// Number of descriptors currently cached.
  public var openFileCount: Int { files.withLock { $0.count } }

  private func open(_ part: String) throws -> OpenPartFile {
    let now = clock.add(1, ordering: .relaxed).newValue
    if let file = files.withLock({ cache -> OpenPartFile? in
      cache[part]?.lastUse = now
      return cache[part]?.file
    }) {
      return file
    }
    let path = partsDirectory + "/" + part
    let file = OpenPartFile(fd: try FileIO.open(path, O_RDONLY), path: path)
    return files.withLock { cache in
      if let existing = cache[part] { return existing.file }  // another thread won the race
      if cache.count >= maxOpenFiles, let oldest = cache.min(by: { $0.value.lastUse < $1.value.lastUse }) {
        cache.removeValue(forKey: oldest.key)
      }
      cache[part] = CachedFile(file: file, lastUse: now)
      return file
    }
  }

  private struct CachedFile {
    var file: OpenPartFile
    var lastUse: UInt64
  }
}

/// An open read-only descriptor, closed when the last reference goes away.
final class OpenPartFile: Sendable {
  let fd: Int32
  let path: String

  init(fd: Int32, path: String) {
    self.fd = fd
    self.path = path
  }

  deinit { close(fd) }
}
