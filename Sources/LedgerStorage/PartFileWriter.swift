import LedgerSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes framed records to a new part file: first at a temporary path of its own under
/// `<parts>/tmp/`, then, on `finish()`, durably published at `<parts>/<name>`. A half-written file
/// is never at its final name, and a published part is never overwritten.
///
/// Two writers of one name (an attempt and the stalled attempt it replaced) never share a file:
/// each temporary path carries the process id and a per-process number, so the late writes of one
/// cannot land in the other's file, and the second `finish()` is refused (`partAlreadyExists`).
///
/// Not `Sendable`: one writer per part, owned by one task. `name` may contain `/` (e.g.
/// `s/0000000042-a-3.part`); missing directories are created private (0700).
public final class PartFileWriter {
  /// The part name, relative to the parts directory; what `ArtifactLocation.part` holds.
  public let name: String
  /// Where the part is being written.
  public let temporaryPath: String
  /// Where the part is published by `finish()`.
  public let finalPath: String
  /// Bytes appended so far (buffered or written); the offset of the next record.
  public private(set) var length: Int64 = 0

  private var fd: Int32
  private var buffer: [UInt8] = []
  private let bufferCapacity: Int
  private var isOpen = true
  /// Bytes written to the file so far (the rest of `length` is in `buffer`).
  private var written: Int64 = 0
  /// Bytes of the file before this offset have been handed to the kernel's writeback.
  private var writebackStart: Int64 = 0
  /// Once this many written bytes are not yet handed to writeback, they are: the disk writes
  /// while the rest of the part is built, and `finish()`'s fsync waits only for the tail (it
  /// waited 30-50 ms per 85 MB part, a core idle each time).
  private static let writebackChunk: Int64 = 8 << 20

  /// Creates `<partsDirectory>/tmp/<name>.<pid>.<n>` for writing (truncating a leftover). With
  /// `storeID`, the part's first record is a ``RecordType/storeStamp`` naming the store.
  public init(partsDirectory: String, name: String, bufferCapacity: Int = 1 << 20, storeID: String? = nil) throws {
    self.name = name
    let n = writerNumbers.wrappingAdd(1, ordering: .relaxed).newValue
    temporaryPath = partsDirectory + "/tmp/" + name + ".\(getpid()).\(n)"
    finalPath = partsDirectory + "/" + name
    self.bufferCapacity = bufferCapacity
    try FileSystem.makeDirectories(FileSystem.parent(of: temporaryPath))
    fd = try FileSystem.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC)
    buffer.reserveCapacity(bufferCapacity)
    if let storeID { _ = try append(type: .storeStamp, payload: Array(storeID.utf8)) }
  }

  deinit {
    if isOpen { abandon() }
  }

  /// Appends one record and returns where it will live once the part is finished.
  public func append(type: RecordType, payload: [UInt8]) throws -> ArtifactLocation {
    try payload.withUnsafeBytes { raw in try append(type: type, payload: raw) }
  }

  /// Appends one record from raw bytes and returns where it will live once the part is finished.
  public func append(
    type: RecordType, payload: UnsafeRawBufferPointer
  ) throws -> ArtifactLocation {
    guard isOpen else { throw StorageError.writerClosed(path: temporaryPath) }
    guard payload.count <= RecordFrame.maxPayloadLength else {
      throw StorageError.recordTooLarge(part: name, payloadLength: payload.count)
    }
    let frameLength = RecordFrame.headerSize + payload.count
    if buffer.count + frameLength > bufferCapacity { try flush() }
    RecordFrame.appendHeader(type: type, payload: payload, to: &buffer)
    if frameLength > bufferCapacity {
      try flush()
      try guarded { try FileSystem.writeAll(fd, payload, path: temporaryPath) }
      written += Int64(payload.count)
    } else {
      buffer.append(contentsOf: payload)
    }
    let location = ArtifactLocation(part: name, offset: length, length: Int32(frameLength))
    length += Int64(frameLength)
    return location
  }

  /// Appends one record whose payload `build` writes straight into this writer's buffer: a
  /// record assembled from many pieces is copied once, not first into an array of its own.
  public func appendRecord(type: RecordType, _ build: (inout ByteWriter) throws -> Void) throws -> ArtifactLocation {
    guard isOpen else { throw StorageError.writerClosed(path: temporaryPath) }
    if buffer.count >= bufferCapacity { try flush() }
    let start = buffer.count
    var taken: [UInt8] = []
    swap(&taken, &buffer)
    var writer = ByteWriter(adopting: consume taken)
    writer.writeUInt64(0)  // the header, written once the payload is known
    writer.writeUInt64(0)
    let built = Result { try build(&writer) }
    buffer = writer.takeBytes()
    let payloadCount = buffer.count - start - RecordFrame.headerSize
    do {
      try built.get()
      guard payloadCount <= RecordFrame.maxPayloadLength else {
        throw StorageError.recordTooLarge(part: name, payloadLength: payloadCount)
      }
    } catch {
      buffer.removeSubrange(start...)
      throw error
    }
    buffer.withUnsafeMutableBytes { raw in
      let payload = UnsafeRawBufferPointer(rebasing: raw[(start + RecordFrame.headerSize)...])
      RecordFrame.writeHeader(
        type: type, payload: payload,
        into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + RecordFrame.headerSize)]))
    }
    let frameLength = RecordFrame.headerSize + payloadCount
    let location = ArtifactLocation(part: name, offset: length, length: Int32(frameLength))
    length += Int64(frameLength)
    if buffer.count >= bufferCapacity { try flush() }
    return location
  }

  /// Flushes, fsyncs, publishes the part at its final name and fsyncs the directory.
  /// Throws `partAlreadyExists` rather than replace a published part.
  public func finish() throws {
    guard isOpen else { throw StorageError.writerClosed(path: temporaryPath) }
    try flush()
    try guarded { try FileSystem.sync(fd, path: temporaryPath) }
    close(fd)
    isOpen = false
    try publish()
  }

  /// Closes and deletes the temporary file; the part never appears at its final name.
  public func abandon() {
    if isOpen { close(fd) }
    isOpen = false
    // Best effort: a leftover temporary is cleared from parts/tmp/ on the next start.
    try? FileSystem.remove(temporaryPath)
  }

  private func publish() throws {
    let directory = FileSystem.parent(of: finalPath)
    do {
      try FileSystem.makeDirectories(directory)
      // link(2) fails with EEXIST instead of replacing, unlike rename(2).
      if case .failure(let error) = Result(catching: { () throws(FileSystemError) in
        try FileSystem.link(temporaryPath, to: finalPath)
      }) {
        if error.errno == EEXIST { throw StorageError.partAlreadyExists(path: finalPath) }
        throw error
      }
    } catch {
      try? FileSystem.remove(temporaryPath)
      throw error
    }
    try FileSystem.remove(temporaryPath)
    try FileSystem.syncDirectory(directory)
  }

  private func flush() throws {
    guard !buffer.isEmpty else { return }
    try guarded {
      try buffer.withUnsafeBytes { raw in
        try FileSystem.writeAll(fd, raw, path: temporaryPath)
      }
    }
    written += Int64(buffer.count)
    buffer.removeAll(keepingCapacity: true)
    if written - writebackStart >= Self.writebackChunk {
      // A head start only: should it fail, `finish()`'s fsync still writes and reports.
      try? FileSystem.startWriteback(fd, offset: writebackStart, count: written - writebackStart, path: temporaryPath)
      writebackStart = written
    }
  }

  /// Runs `body`; on failure abandons the part, since the file no longer matches `length`.
  private func guarded(_ body: () throws -> Void) throws {
    do {
      try body()
    } catch {
      abandon()
      throw error
    }
  }
}

/// Numbers the temporary files of this process's writers.
private let writerNumbers = Atomic<UInt64>(0)
