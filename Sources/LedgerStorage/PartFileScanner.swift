import LedgerSystem

/// Reads the records of one part file in order through a large read-ahead buffer.
struct PartFileScanner {
  /// One verified record.
  struct Record {
    var location: ArtifactLocation
    var type: RecordType
    var payload: [UInt8]
  }

  private let fd: Int32
  private let path: String
  private let part: String
  private let fileSize: Int64
  private var offset: Int64 = 0
  private var chunk: [UInt8] = []
  private var chunkStart: Int64 = 0
  private static let chunkSize = 1 << 20

  init(fd: Int32, path: String, part: String) throws {
    self.fd = fd
    self.path = path
    self.part = part
    fileSize = try FileSystem.size(fd, path: path)
  }

  /// The next record, or `nil` at the end of the file.
  mutating func next() throws -> Record? {
    guard offset < fileSize else { return nil }
    let headerSize = RecordFrame.headerSize
    guard fileSize - offset >= Int64(headerSize) else {
      throw tornTail("only \(fileSize - offset) bytes left, less than a \(headerSize)-byte record header")
    }
    var start = try load(count: headerSize)
    let header = try RecordFrame.parseHeader(chunk, start: start, part: part, offset: offset)
    let length = Int64(headerSize) + header.payloadLength
    guard offset + length <= fileSize else {
      throw tornTail(
        "the record header says \(header.payloadLength) payload bytes, only "
          + "\(fileSize - offset - Int64(headerSize)) follow")
    }
    start = try load(count: Int(length))
    let type = try RecordFrame.verify(chunk, start: start, header: header, part: part, offset: offset)
    let payload = Array(chunk[start + headerSize..<start + Int(length)])
    let location = ArtifactLocation(part: part, offset: offset, length: Int32(length))
    offset += length
    return Record(location: location, type: type, payload: payload)
  }

  /// Makes `count` bytes at `offset` available in `chunk`; returns their start index there.
  private mutating func load(count: Int) throws -> Int {
    let start = offset - chunkStart
    if start >= 0 && start + Int64(count) <= Int64(chunk.count) { return Int(start) }
    let size = Int(min(fileSize - offset, Int64(max(count, Self.chunkSize))))
    chunk = [UInt8](repeating: 0, count: size)
    let read = try chunk.withUnsafeMutableBytes { [fd, path, offset] raw in
      try FileSystem.preadFully(fd, raw, offset: offset, path: path)
    }
    chunkStart = offset
    guard read >= count else {
      throw tornTail("the file shrank while being read: \(read) of \(count) bytes")
    }
    return 0
  }

  private func tornTail(_ detail: String) -> StorageError {
    .tornTail(part: part, offset: offset, fileSize: fileSize, detail: detail)
  }
}
