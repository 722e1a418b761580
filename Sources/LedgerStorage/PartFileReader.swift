import LedgerSystem
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
  /// The store the parts must belong to: a part whose store stamp names another is refused
  /// (``StorageError/foreignPart(part:found:expected:)``) when it is opened. Parts without a stamp
  /// (written before stamps, or by a writer given no store id) are read.
  public let storeID: String?
  private let files: Mutex<[String: CachedFile]> = Mutex([:])
  private let clock = Atomic<UInt64>(0)

  /// A reader of the parts under `partsDirectory` (of store `storeID`, when known).
  public init(partsDirectory: String, maxOpenFiles: Int = 64, storeID: String? = nil) {
    self.partsDirectory = partsDirectory
    self.maxOpenFiles = max(1, maxOpenFiles)
    self.storeID = storeID
  }

  /// Reads and verifies the record at `location`.
  public func read(_ location: ArtifactLocation) throws -> (type: RecordType, payload: [UInt8]) {
    try Self.checkShape(location)
    let file = try open(location.part)
    var frame = [UInt8](repeating: 0, count: Int(location.length))
    let count = try frame.withUnsafeMutableBytes { raw in
      try FileSystem.preadFully(file.fd, raw, offset: location.offset, path: file.path)
    }
    return try Self.record(in: frame, at: 0, available: count, location: location)
  }

  /// Reads and verifies the records at `locations`, each of `type`; returns their payloads in
  /// the same order. Records of one part that lie close together (gaps ≤ `coalesceGap`) are
  /// read with one `pread` per window of up to `coalesceWindow` bytes instead of one each:
  /// prefetch reads a million summaries that way, mostly in order of their offsets.
  public func read(_ locations: [ArtifactLocation], expecting type: RecordType) throws -> [[UInt8]] {
    var payloads = [[UInt8]](repeating: [], count: locations.count)
    var byPart: [String: [Int]] = [:]
    for (i, location) in locations.enumerated() { byPart[location.part, default: []].append(i) }
    for (part, indices) in byPart {
      let file = try open(part)
      let order = indices.sorted { locations[$0].offset < locations[$1].offset }
      var window: [UInt8] = []
      var windowStart: Int64 = 0
      var k = 0
      while k < order.count {
        let location = locations[order[k]]
        try Self.checkShape(location)
        let end = location.offset + Int64(location.length)
        if location.offset < windowStart || end > windowStart + Int64(window.count) {
          var windowEnd = end
          var j = k + 1
          while j < order.count {
            let next = locations[order[j]]
            let nextEnd = next.offset + Int64(next.length)
            guard next.offset >= location.offset, next.offset - windowEnd <= Self.coalesceGap,
              nextEnd - location.offset <= Self.coalesceWindow
            else { break }
            windowEnd = max(windowEnd, nextEnd)
            j += 1
          }
          let size = Int(windowEnd - location.offset)
          var count = 0
          window = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            count = try FileSystem.preadFully(
              file.fd, UnsafeMutableRawBufferPointer(buffer), offset: location.offset, path: file.path)
            initialized = count
          }
          windowStart = location.offset
        }
        let start = Int(location.offset - windowStart)
        let record = try Self.record(
          in: window, at: start, available: min(Int(location.length), window.count - start), location: location)
        guard record.type == type else {
          throw StorageError.unexpectedRecordType(
            part: location.part, offset: location.offset, expected: type, found: record.type)
        }
        payloads[order[k]] = record.payload
        k += 1
      }
    }
    return payloads
  }

  /// Largest gap between two records read in one window.
  public static let coalesceGap: Int64 = 16 << 10
  /// Largest window read at once.
  public static let coalesceWindow: Int64 = 1 << 20

  private static func checkShape(_ location: ArtifactLocation) throws {
    guard Int(location.length) >= RecordFrame.headerSize, location.offset >= 0 else {
      throw StorageError.invalidLocation(location)
    }
  }

  /// Verifies the frame of `location` lying at `buffer[start...]`, of which `available` bytes
  /// were read, and returns its type and payload.
  private static func record(
    in buffer: [UInt8], at start: Int, available count: Int, location: ArtifactLocation
  ) throws -> (type: RecordType, payload: [UInt8]) {
    if count >= 4 && !buffer[start..<start + 4].elementsEqual(RecordFrame.magic) {
      throw StorageError.badMagic(
        part: location.part, offset: location.offset, found: Array(buffer[start..<start + 4]))
    }
    guard count == Int(location.length) else {
      throw StorageError.shortRead(
        part: location.part, offset: location.offset, length: location.length,
        fileSize: location.offset + Int64(max(0, count)))
    }
    let header = try RecordFrame.parseHeader(buffer, start: start, part: location.part, offset: location.offset)
    guard header.payloadLength + Int64(RecordFrame.headerSize) == Int64(location.length) else {
      throw StorageError.lengthMismatch(
        part: location.part, offset: location.offset, expected: location.length,
        header: header.payloadLength + Int64(RecordFrame.headerSize))
    }
    let type = try RecordFrame.verify(
      buffer, start: start, header: header, part: location.part, offset: location.offset)
    return (type, Array(buffer[(start + RecordFrame.headerSize)..<(start + Int(location.length))]))
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
      if record.type == .storeStamp { continue }
      try body(record.location, record.type, record.payload)
    }
  }

  /// Closes the cached descriptor of `part` (after compaction deletes it).
  public func evict(part: String) {
    _ = files.withLock { $0.removeValue(forKey: part) }
  }

  /// Number of descriptors currently cached.
  public var openFileCount: Int { files.withLock { $0.count } }

  func open(_ part: String) throws -> OpenPartFile {
    let now = clock.add(1, ordering: .relaxed).newValue
    if let file = files.withLock({ cache -> OpenPartFile? in
      cache[part]?.lastUse = now
      return cache[part]?.file
    }) {
      return file
    }
    let path = partsDirectory + "/" + part
    let file = OpenPartFile(fd: try FileSystem.open(path, O_RDONLY), path: path)
    if let storeID, let stamp = try Self.stamp(of: file, part: part), stamp != storeID {
      throw StorageError.foreignPart(part: part, found: stamp, expected: storeID)
    }
    return files.withLock { cache in
      if let existing = cache[part] { return existing.file }  // another thread won the race
      if cache.count >= maxOpenFiles, let oldest = cache.min(by: { $0.value.lastUse < $1.value.lastUse }) {
        cache.removeValue(forKey: oldest.key)
      }
      cache[part] = CachedFile(file: file, lastUse: now)
      return file
    }
  }

  /// The store id of the part's stamp, or nil when its first record is not one (or the part
  /// is empty). Reads only that record, verified.
  static func stamp(of file: OpenPartFile, part: String) throws -> String? {
    let headerSize = RecordFrame.headerSize
    var header = [UInt8](repeating: 0, count: headerSize)
    let got = try header.withUnsafeMutableBytes { try FileSystem.preadFully(file.fd, $0, offset: 0, path: file.path) }
    guard got == headerSize else { return nil }
    let fields = try RecordFrame.parseHeader(header, part: part, offset: 0)
    guard fields.type == RecordType.storeStamp.rawValue, fields.payloadLength <= 1 << 10 else { return nil }
    var frame = [UInt8](repeating: 0, count: headerSize + Int(fields.payloadLength))
    let read = try frame.withUnsafeMutableBytes { try FileSystem.preadFully(file.fd, $0, offset: 0, path: file.path) }
    guard read == frame.count else {
      throw StorageError.shortRead(part: part, offset: 0, length: Int32(frame.count), fileSize: Int64(read))
    }
    _ = try RecordFrame.verify(frame, header: fields, part: part, offset: 0)
    return String(decoding: frame[headerSize...], as: UTF8.self)
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
