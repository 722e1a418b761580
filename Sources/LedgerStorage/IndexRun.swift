import LedgerSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The layout of a key-index run file: key-index entries sorted by key bytes, written once.
///
/// ```
/// header      "LLIXRUN1", store id length u16, store id (UTF-8), CRC-32C u32 of the above
/// blocks      entries, ~4 KiB a block; an entry is key length u16, 0 u16, part number u32,
///             record length u32, record offset u64, version u64, key bytes
/// parts       part count u32, each (length u16, name); CRC-32C u32 of the table
/// block index per block: offset u64, entries u32, bytes u32, CRC-32C u32 of its bytes,
///             first key length u16, first key; CRC-32C u32 of the index
/// footer      entries u64, blocks u32, parts offset u64, block index offset u64,
///             CRC-32C u32 of those 28 bytes, "LLIXEND1"
/// ```
/// All integers little-endian. A block's checksum is verified the first time it is read.
public enum IndexRunFormat {
  static let headerMagic = Array("LLIXRUN1".utf8)
  static let footerMagic = Array("LLIXEND1".utf8)
  static let footerSize = 40
  static let entryHeaderSize = 28
  /// Bytes of entries per block before a new one starts.
  static let blockTarget = 4_096
  /// The longest key a run holds.
  public static let maxKeyLength = Int(UInt16.max)
}

/// Writes one run: entries appended in ascending key order (each key once), then `finish()`
/// makes the file durable under its final name (written under a temporary name, synced,
/// renamed). Not thread-safe.
public final class IndexRunWriter {
  /// The final path.
  public let path: String
  private let temporaryPath: String
  private var fd: Int32
  private var pending: [UInt8] = []
  private var flushed = 0
  private var block: [UInt8] = []
  private var blockEntries = 0
  private var blockFirstKey: [UInt8] = []
  private var blockIndex = ByteWriter(capacity: 1 << 16)
  private var blockCount = 0
  private var parts: [String] = []
  private var partNumbers: [String: UInt32] = [:]
  private var recentPart: (name: String, number: UInt32)?
  private var lastKey: [UInt8] = []
  private var open = true
  /// Entries appended so far.
  public private(set) var count = 0

  /// A writer of the run `path`, written first as `temporaryPath`; `storeID` is stamped in its
  /// header (a run read by another store is refused).
  public init(path: String, temporaryPath: String, storeID: String?) throws {
    self.path = path
    self.temporaryPath = temporaryPath
    fd = try FileSystem.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC)
    pending.reserveCapacity(1 << 20)
    block.reserveCapacity(IndexRunFormat.blockTarget + 512)
    var header = ByteWriter(capacity: 64)
    header.writeBytes(IndexRunFormat.headerMagic)
    let id = Array((storeID ?? "").utf8)
    header.writeUInt16(UInt16(clamping: id.count))
    header.writeBytes(id.prefix(Int(UInt16.max)))
    header.writeUInt32(CRC32C.checksum(header.bytes))
    pending += header.bytes
  }

  deinit {
    if open { abandon() }
  }

  /// Appends `key`'s entry. Keys must ascend strictly by their UTF-8 bytes.
  public func append(key: String, location: ArtifactLocation, version: UInt64) throws {
    var key = key
    try key.withUTF8 { bytes in
      try append(key: bytes, part: location.part, offset: location.offset, length: location.length, version: version)
    }
  }

  /// Appends an entry whose key is `key`'s bytes. Keys must ascend strictly.
  public func append(
    key: UnsafeBufferPointer<UInt8>, part: String, offset: Int64, length: Int32, version: UInt64
  ) throws {
    guard open else { throw StorageError.writerClosed(path: temporaryPath) }
    guard key.count <= IndexRunFormat.maxKeyLength else {
      throw StorageError.malformed(context: "index run \(path)", offset: count, detail: "key of \(key.count) bytes")
    }
    if count > 0 {
      let order = lastKey.withUnsafeBufferPointer { KeyOrder.compare($0, key) }
      guard order < 0 else {
        throw StorageError.malformed(
          context: "index run \(path)", offset: count, detail: "keys must ascend strictly (entry \(count))")
      }
    }
    lastKey.removeAll(keepingCapacity: true)
    lastKey.append(contentsOf: key)
    if blockEntries == 0 {
      blockFirstKey.removeAll(keepingCapacity: true)
      blockFirstKey.append(contentsOf: key)
    }
    let number = partNumber(part)
    appendFixed(UInt16(key.count), to: &block)
    appendFixed(UInt16(0), to: &block)
    appendFixed(number, to: &block)
    appendFixed(UInt32(bitPattern: length), to: &block)
    appendFixed(UInt64(bitPattern: offset), to: &block)
    appendFixed(version, to: &block)
    block.append(contentsOf: key)
    blockEntries += 1
    count += 1
    if block.count >= IndexRunFormat.blockTarget { try closeBlock() }
  }

  /// Writes the tables and the footer, syncs the file and renames it to `path`. Returns its size.
  @discardableResult
  public func finish() throws -> Int64 {
    guard open else { throw StorageError.writerClosed(path: temporaryPath) }
    do {
      try closeBlock()
      let partsOffset = flushed + pending.count
      var table = ByteWriter(capacity: 64 + parts.count * 48)
      table.writeUInt32(UInt32(parts.count))
      for name in parts {
        let bytes = Array(name.utf8)
        table.writeUInt16(UInt16(clamping: bytes.count))
        table.writeBytes(bytes.prefix(Int(UInt16.max)))
      }
      table.writeUInt32(CRC32C.checksum(table.bytes))
      pending += table.bytes
      let indexOffset = flushed + pending.count
      blockIndex.writeUInt32(CRC32C.checksum(blockIndex.bytes))
      pending += blockIndex.bytes
      var footer = ByteWriter(capacity: IndexRunFormat.footerSize)
      footer.writeUInt64(UInt64(count))
      footer.writeUInt32(UInt32(blockCount))
      footer.writeUInt64(UInt64(partsOffset))
      footer.writeUInt64(UInt64(indexOffset))
      footer.writeUInt32(CRC32C.checksum(footer.bytes))
      footer.writeBytes(IndexRunFormat.footerMagic)
      pending += footer.bytes
      try flush()
      try FileSystem.sync(fd, path: temporaryPath)
      FileSystem.close(fd)
      open = false
      try FileSystem.rename(temporaryPath, to: path)
      return Int64(flushed)
    } catch {
      if open { abandon() } else { try? FileSystem.remove(temporaryPath) }  // closed, not renamed
      throw error
    }
  }

  /// Closes and removes the temporary file (nothing is renamed).
  public func abandon() {
    guard open else { return }
    open = false
    FileSystem.close(fd)
    try? FileSystem.remove(temporaryPath)
  }

  private func partNumber(_ name: String) -> UInt32 {
    if let recentPart, recentPart.name == name { return recentPart.number }
    let number: UInt32
    if let known = partNumbers[name] {
      number = known
    } else {
      number = UInt32(parts.count)
      parts.append(name)
      partNumbers[name] = number
    }
    recentPart = (name, number)
    return number
  }

  private func closeBlock() throws {
    guard blockEntries > 0 else { return }
    let offset = flushed + pending.count
    blockIndex.writeUInt64(UInt64(offset))
    blockIndex.writeUInt32(UInt32(blockEntries))
    blockIndex.writeUInt32(UInt32(block.count))
    blockIndex.writeUInt32(block.withUnsafeBytes { CRC32C.checksum($0) })
    blockIndex.writeUInt16(UInt16(blockFirstKey.count))
    blockIndex.writeBytes(blockFirstKey)
    blockCount += 1
    pending += block
    block.removeAll(keepingCapacity: true)
    blockEntries = 0
    if pending.count >= 1 << 20 { try flush() }
  }

  private func flush() throws {
    guard !pending.isEmpty else { return }
    try pending.withUnsafeBytes { try FileSystem.writeAll(fd, $0, path: temporaryPath) }
    flushed += pending.count
    pending.removeAll(keepingCapacity: true)
  }

  private func appendFixed<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }
}

/// One entry of a run: where the artifact's newest record is, and its version.
public struct IndexRunHit: Sendable, Equatable {
  /// Index into the run's `parts`.
  public var partNumber: Int
  public var offset: Int64
  public var length: Int32
  public var version: UInt64
}

/// A run file opened for reading (mapped; verified piecewise: the header, footer and tables at
/// open, each block the first time it is read). Immutable, so any number of threads may read it.
public final class IndexRun: Sendable {
  /// The file's path.
  public let path: String
  /// Entries in the run.
  public let entryCount: Int
  /// The file's size in bytes.
  public var byteCount: Int { file.count }
  /// Part names, by part number.
  public let parts: [String]
  private let file: MappedFile
  private let blocks: [Block]
  private let verified: Mutex<[UInt64]>

  struct Block: Sendable {
    var offset: Int
    var entries: Int
    var length: Int
    var checksum: UInt32
    var firstKeyOffset: Int
    var firstKeyLength: Int
  }

  /// Opens the run at `path`. A run stamped for a store other than `expectedStoreID` is refused;
  /// an unstamped run, or a `nil` expectation, is accepted.
  public init(path: String, expectedStoreID: String?) throws {
    self.path = path
    do {
      file = try MappedFile(path: path, sequential: false)
    } catch let error where error.errno == ENOENT {
      throw StorageError.missingIndexRun(path: path)
    }
    let bytes = file.bytes
    let (entryCount, parts, blocks) = try Self.read(bytes, path: path, expectedStoreID: expectedStoreID)
    self.entryCount = entryCount
    self.parts = parts
    self.blocks = blocks
    verified = Mutex([UInt64](repeating: 0, count: (blocks.count + 63) / 64))
  }

  /// Checks the header, footer and tables of the mapped `bytes`; returns the entry count, the
  /// part names and the blocks.
  private static func read(
    _ bytes: UnsafeBufferPointer<UInt8>, path: String, expectedStoreID: String?
  ) throws -> (Int, [String], [Block]) {
    func damaged(_ detail: String) -> StorageError { .damagedIndexRun(path: path, detail: detail) }
    func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
      T(littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: at, as: T.self))
    }
    func region(_ range: Range<Int>) -> UnsafeRawBufferPointer {
      UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range]))
    }
    let size = bytes.count
    guard size >= 8 + 2 + 4 + IndexRunFormat.footerSize,
      bytes[0..<8].elementsEqual(IndexRunFormat.headerMagic)
    else { throw damaged("not a run file (\(size) bytes, no LLIXRUN1 header)") }
    let idLength = Int(load(8, UInt16.self))
    let headerEnd = 10 + idLength + 4
    guard headerEnd + IndexRunFormat.footerSize <= size else { throw damaged("header runs past the end") }
    guard load(10 + idLength, UInt32.self) == CRC32C.checksum(region(0..<(10 + idLength)))
    else { throw damaged("header checksum mismatch") }
    let stamped = String(decoding: bytes[10..<(10 + idLength)], as: UTF8.self)
    if let expectedStoreID, !stamped.isEmpty, stamped != expectedStoreID {
      throw StorageError.foreignIndexRun(path: path, found: stamped, expected: expectedStoreID)
    }
    let footer = size - IndexRunFormat.footerSize
    guard bytes[(footer + 32)..<size].elementsEqual(IndexRunFormat.footerMagic),
      load(footer + 28, UInt32.self) == CRC32C.checksum(region(footer..<(footer + 28)))
    else { throw damaged("footer is missing or its checksum does not match (a torn write?)") }
    let entries = load(footer, UInt64.self)
    let blockCount = Int(load(footer + 8, UInt32.self))
    let partsOffset = load(footer + 12, UInt64.self)
    let indexOffset = load(footer + 20, UInt64.self)
    guard entries <= UInt64(size), partsOffset >= UInt64(headerEnd), partsOffset + 8 <= indexOffset,
      indexOffset + 4 <= UInt64(footer)
    else { throw damaged("footer offsets out of range") }
    let entryCount = Int(entries)
    let (partsStart, indexStart) = (Int(partsOffset), Int(indexOffset))
    // Parts table.
    guard
      load(indexStart - 4, UInt32.self)
        == CRC32C.checksum(region(partsStart..<(indexStart - 4)))
    else { throw damaged("parts table checksum mismatch") }
    var names: [String] = []
    var at = partsStart + 4
    for _ in 0..<Int(load(partsStart, UInt32.self)) {
      guard at + 2 <= indexStart - 4 else { throw damaged("parts table overruns") }
      let length = Int(load(at, UInt16.self))
      guard at + 2 + length <= indexStart - 4 else { throw damaged("parts table overruns") }
      names.append(String(decoding: bytes[(at + 2)..<(at + 2 + length)], as: UTF8.self))
      at += 2 + length
    }
    // Block index.
    guard
      load(footer - 4, UInt32.self)
        == CRC32C.checksum(region(indexStart..<(footer - 4)))
    else { throw damaged("block index checksum mismatch") }
    var list: [Block] = []
    list.reserveCapacity(blockCount)
    at = indexStart
    var expectedOffset = headerEnd
    var total = 0
    for n in 0..<blockCount {
      guard at + 22 <= footer - 4 else { throw damaged("block index overruns at block \(n)") }
      let block = Block(
        offset: Int(load(at, UInt64.self)), entries: Int(load(at + 8, UInt32.self)),
        length: Int(load(at + 12, UInt32.self)), checksum: load(at + 16, UInt32.self),
        firstKeyOffset: at + 22, firstKeyLength: Int(load(at + 20, UInt16.self)))
      guard block.offset == expectedOffset, block.offset + block.length <= partsStart, block.entries > 0,
        block.firstKeyOffset + block.firstKeyLength <= footer - 4
      else { throw damaged("block \(n) is out of place") }
      expectedOffset += block.length
      total += block.entries
      at = block.firstKeyOffset + block.firstKeyLength
      list.append(block)
    }
    guard expectedOffset == partsStart, total == entryCount else {
      throw damaged(
        "blocks hold \(total) entries in \(expectedOffset - headerEnd) bytes; the footer says \(entryCount)")
    }
    return (entryCount, names, list)
  }

  /// Where a sorted walk has got to: a block and the byte offset of the next entry in it.
  public struct Cursor: Sendable {
    var block = -1
    var position = 0
    var end = 0
    /// Where the pages this walk has read and not yet released start (-1 before its first block).
    var unreleased = -1
    public init() {}
  }

  /// A walk releases the pages it has passed each time it is this many bytes further on: a
  /// lookup of a batch's keys in order touches nearly every block of a large run, and the
  /// mapped pages would otherwise stay counted as the process's memory, growing with the state.
  static let releaseWindow = 8 << 20

  /// Finds `key`. Successive calls with one cursor must ask for ascending keys: each search
  /// starts where the last one stopped (a merge join when the keys are dense), moving to a
  /// later block through the block index.
  public func find(_ key: UnsafeBufferPointer<UInt8>, cursor: inout Cursor) throws -> IndexRunHit? {
    guard !blocks.isEmpty else { return nil }
    let next = cursor.block + 1
    if cursor.block < 0 || (next < blocks.count && compareFirstKey(of: next, with: key) <= 0) {
      // The last block whose first key is at most `key`, from the cursor's block on.
      var low = max(cursor.block, 0)
      var high = blocks.count - 1
      if compareFirstKey(of: low, with: key) > 0 { return nil }  // before the first key
      while low < high {
        let mid = (low + high + 1) / 2
        if compareFirstKey(of: mid, with: key) <= 0 { low = mid } else { high = mid - 1 }
      }
      try enter(low, cursor: &cursor)
    }
    let base = UnsafeRawPointer(file.bytes.baseAddress!)
    while cursor.position < cursor.end {
      let keyLength = Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: cursor.position, as: UInt16.self)))
      let keyStart = cursor.position + IndexRunFormat.entryHeaderSize
      guard keyStart + keyLength <= cursor.end else { throw damagedEntry(cursor.block) }
      let entryKey = UnsafeBufferPointer(start: file.bytes.baseAddress! + keyStart, count: keyLength)
      let order = KeyOrder.compare(entryKey, key)
      if order == 0 { return try hit(at: cursor.position, block: cursor.block) }
      if order > 0 { return nil }
      cursor.position = keyStart + keyLength
    }
    return nil
  }

  /// Reads the run front to back.
  public struct Iterator {
    let run: IndexRun
    var cursor = Cursor()

    /// The next entry: its key (valid while the run is alive) and where it points.
    public mutating func next() throws -> (key: UnsafeBufferPointer<UInt8>, hit: IndexRunHit)? {
      while cursor.position >= cursor.end {
        guard cursor.block + 1 < run.blocks.count else { return nil }
        try run.enter(cursor.block + 1, cursor: &cursor)
      }
      let base = run.file.bytes.baseAddress!
      let keyLength = Int(
        UInt16(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: cursor.position, as: UInt16.self)))
      let keyStart = cursor.position + IndexRunFormat.entryHeaderSize
      guard keyStart + keyLength <= cursor.end else { throw run.damagedEntry(cursor.block) }
      let hit = try run.hit(at: cursor.position, block: cursor.block)
      cursor.position = keyStart + keyLength
      return (UnsafeBufferPointer(start: base + keyStart, count: keyLength), hit)
    }
  }

  /// An iterator from the first entry.
  public func makeIterator() -> Iterator { Iterator(run: self) }

  /// The entry `hit` as an index entry for `key`.
  public func entry(_ key: String, _ hit: IndexRunHit) -> IndexEntry {
    IndexEntry(
      orderID: key, location: ArtifactLocation(part: parts[hit.partNumber], offset: hit.offset, length: hit.length),
      version: hit.version)
  }

  private func enter(_ block: Int, cursor: inout Cursor) throws {
    let b = blocks[block]
    let checked = verified.withLock { ($0[block / 64] >> UInt64(block % 64)) & 1 == 1 }
    if !checked {
      let payload = UnsafeRawBufferPointer(start: file.bytes.baseAddress! + b.offset, count: b.length)
      let computed = CRC32C.checksum(payload)
      guard computed == b.checksum else {
        throw StorageError.damagedIndexRun(
          path: path,
          detail: "block \(block) at byte \(b.offset) has checksum \(StorageError.hex(computed)), "
            + "stored \(StorageError.hex(b.checksum))")
      }
      verified.withLock { $0[block / 64] |= 1 << UInt64(block % 64) }
    }
    if cursor.unreleased < 0 {
      cursor.unreleased = b.offset
    } else if b.offset - cursor.unreleased >= Self.releaseWindow {
      // Everything before this block was read by this walk and will not be read by it again.
      file.release(cursor.unreleased..<b.offset)
      cursor.unreleased = b.offset
    }
    cursor.block = block
    cursor.position = b.offset
    cursor.end = b.offset + b.length
  }

  private func hit(at position: Int, block: Int) throws -> IndexRunHit {
    let base = UnsafeRawPointer(file.bytes.baseAddress!)
    let part = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)))
    guard part < parts.count else { throw damagedEntry(block) }
    return IndexRunHit(
      partNumber: part,
      offset: Int64(
        bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position + 12, as: UInt64.self))),
      length: Int32(
        bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position + 8, as: UInt32.self))),
      version: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position + 20, as: UInt64.self)))
  }

  private func compareFirstKey(of block: Int, with key: UnsafeBufferPointer<UInt8>) -> Int {
    let b = blocks[block]
    return KeyOrder.compare(
      UnsafeBufferPointer(start: file.bytes.baseAddress! + b.firstKeyOffset, count: b.firstKeyLength), key)
  }

  private func damagedEntry(_ block: Int) -> StorageError {
    .damagedIndexRun(path: path, detail: "an entry of block \(block) runs past its block")
  }
}
