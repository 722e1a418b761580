import Foundation
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerStorage

struct PartFileTests {
  let dir: TemporaryDirectory
  var parts: String { dir.file("parts") }

  init() throws { dir = try TemporaryDirectory() }

  /// Writes `payloads` as line segments into part `name` and finishes it.
  func writePart(_ name: String, _ payloads: [[UInt8]]) throws -> [ArtifactLocation] {
    let writer = try PartFileWriter(partsDirectory: parts, name: name)
    let locations = try payloads.map { try writer.append(type: .lineSegment, payload: $0) }
    try writer.finish()
    return locations
  }

  func flipByte(in path: String, at offset: Int) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    data[offset] ^= 0x01
    try data.write(to: URL(fileURLWithPath: path))
  }

  @Test func appendedRecordsReadBackByLocation() throws {
    let payloads: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 5000)]
    let locations = try writePart("s/0000000001-a-1.part", payloads)
    #expect(
      locations == [
        ArtifactLocation(part: "s/0000000001-a-1.part", offset: 0, length: 19),
        ArtifactLocation(part: "s/0000000001-a-1.part", offset: 19, length: 16),
        ArtifactLocation(part: "s/0000000001-a-1.part", offset: 35, length: 5016),
      ])
    let reader = PartFileReader(partsDirectory: parts)
    for (location, payload) in zip(locations, payloads) {
      let record = try reader.read(location)
      #expect(record.type == .lineSegment)
      #expect(record.payload == payload)
    }
  }

  /// SPEC §5: a part carries its store's id. Read by its own store, the stamp is invisible; a
  /// part copied in from another store is refused before any record of it is returned; a part
  /// without a stamp (written before stamps) is read by any.
  /// A part past the size at which the writer hands its written bytes to the kernel's writeback
  /// (several times over, with records larger than the buffer among them) reads back whole.
  @Test func aPartLargerThanTheWritebackChunkReadsBackWhole() throws {
    let writer = try PartFileWriter(partsDirectory: parts, name: "s/0000000002-a-1.part", bufferCapacity: 1 << 16)
    var written: [(ArtifactLocation, [UInt8])] = []
    for n in 0..<600 {
      let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: n % 7 == 0 ? 200_000 : 50_000 + n)
      written.append((try writer.append(type: .lineSegment, payload: payload), payload))
    }
    try writer.finish()
    #expect(writer.length > 3 * (8 << 20))
    #expect(try FileSystem.size(of: "\(parts)/s/0000000002-a-1.part") == writer.length)
    let reader = PartFileReader(partsDirectory: parts)
    for (location, payload) in written {
      #expect(try reader.read(location).payload == payload)
    }
  }

  @Test func aPartStampedForAnotherStoreIsRefusedBeforeAnyRecordIsRead() throws {
    let writer = try PartFileWriter(partsDirectory: parts, name: "a-1.part", storeID: "store-a")
    let location = try writer.append(type: .lineSegment, payload: [1, 2, 3])
    try writer.finish()
    #expect(location.offset == Int64(RecordFrame.headerSize + "store-a".utf8.count))
    let own = PartFileReader(partsDirectory: parts, storeID: "store-a")
    #expect(try own.read(location).payload == [1, 2, 3])
    var types: [RecordType] = []
    try own.forEachRecord(inPart: "a-1.part") { _, type, _ in types.append(type) }
    #expect(types == [.lineSegment])
    let other = PartFileReader(partsDirectory: parts, storeID: "store-b")
    #expect(throws: StorageError.foreignPart(part: "a-1.part", found: "store-a", expected: "store-b")) {
      try other.read(location)
    }
    #expect(throws: StorageError.foreignPart(part: "a-1.part", found: "store-a", expected: "store-b")) {
      try other.forEachRecord(inPart: "a-1.part") { _, _, _ in }
    }
    #expect(
      StorageError.foreignPart(part: "a-1.part", found: "store-a", expected: "store-b").description
        == "part a-1.part was written for store store-a, not this data directory's store store-b (copied in from another data directory?); nothing of it is read — restore this store's own file, or rebuild the store from archive/ (`ledgerline rebuild`)"
    )
    let unstamped = try writePart("old.part", [[9]])
    #expect(try other.read(unstamped[0]).payload == [9])
  }

  /// A record built in the writer's own buffer is the same file, byte for byte, as one appended
  /// from an array, across buffer flushes; a build that throws leaves nothing behind.
  @Test func recordsBuiltInPlaceEqualRecordsAppendedFromArrays() throws {
    let payloads: [[UInt8]] = (0..<40).map { n in (0..<(n * 997 % 5000)).map { UInt8(truncatingIfNeeded: $0 &* n) } }
    let copied = try PartFileWriter(partsDirectory: parts, name: "copied.part", bufferCapacity: 4096)
    let built = try PartFileWriter(partsDirectory: parts, name: "built.part", bufferCapacity: 4096)
    struct Refused: Error {}
    var locations: [ArtifactLocation] = []
    for (n, payload) in payloads.enumerated() {
      let a = try copied.append(type: .statelessGroup, payload: payload)
      if n % 7 == 3 {
        #expect(throws: Refused.self) {
          _ = try built.appendRecord(type: .statelessGroup) { writer in
            writer.writeBytes([1, 2, 3])
            throw Refused()
          }
        }
      }
      let b = try built.appendRecord(type: .statelessGroup) { writer in
        // In two pieces, as a group is assembled.
        writer.writeBytes(payload.prefix(payload.count / 2))
        writer.writeBytes(payload.dropFirst(payload.count / 2))
      }
      #expect(a.offset == b.offset && a.length == b.length)
      locations.append(b)
    }
    try copied.finish()
    try built.finish()
    #expect(try FileSystem.readAll("\(parts)/copied.part") == FileSystem.readAll("\(parts)/built.part"))
    let reader = PartFileReader(partsDirectory: parts)
    for (location, payload) in zip(locations, payloads) {
      #expect(try reader.read(location).payload == payload)
    }
  }

  /// The batched read returns every payload in the order asked, across parts, whether records
  /// are close (one window), far apart (separate reads) or asked out of order.
  @Test func batchedReadReturnsPayloadsInTheOrderAskedAcrossPartsAndGaps() throws {
    let near = (0..<50).map { [UInt8](repeating: UInt8($0), count: 10 + $0) }
    let a = try writePart("a.part", near + [Array(repeating: 9, count: 40_000)] + [[1, 2, 3]])
    let b = try writePart("b.part", [[42], [43, 44]])
    let reader = PartFileReader(partsDirectory: parts)
    let asked = [b[1], a[3], a[51], a[0], b[0], a[50], a[49], a[3]]
    let expected: [[UInt8]] = [
      [43, 44], near[3], [1, 2, 3], near[0], [42], Array(repeating: 9, count: 40_000), near[49], near[3],
    ]
    #expect(try reader.read(asked, expecting: .lineSegment) == expected)
    #expect(try reader.read([], expecting: .lineSegment) == [])
  }

  @Test func batchedReadVerifiesEveryRecordInAWindow() throws {
    let locations = try writePart("c.part", (0..<20).map { [UInt8](repeating: UInt8($0), count: 30) })
    try flipByte(in: parts + "/c.part", at: Int(locations[7].offset) + 20)
    let reader = PartFileReader(partsDirectory: parts)
    let error = try #require(throws: StorageError.self) { try reader.read(locations, expecting: .lineSegment) }
    guard case .checksumMismatch(_, let offset, _, _, _) = error else {
      Issue.record("expected a checksum mismatch, got \(error)")
      return
    }
    #expect(offset == locations[7].offset)
    #expect(throws: StorageError.self) { try reader.read([locations[0]], expecting: .artifactSummary) }
  }

  @Test func batchedReadPastTheEndIsAShortRead() throws {
    let locations = try writePart("d.part", [[1, 2, 3], [4, 5, 6]])
    var beyond = locations[1]
    beyond.length += 10
    let reader = PartFileReader(partsDirectory: parts)
    let error = try #require(throws: StorageError.self) {
      try reader.read([locations[0], beyond], expecting: .lineSegment)
    }
    guard case .shortRead = error else {
      Issue.record("expected a short read, got \(error)")
      return
    }
  }

  @Test func frameHeaderHasMagicVersionTypeLengthAndChecksum() throws {
    let location = try writePart("p.part", [[0xAA]])[0]
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: parts + "/p.part")))
    #expect(location.length == 17)
    #expect(Array(bytes[0..<12]) == [0x4C, 0x4C, 0x52, 0x43, 1, 2, 0, 0, 1, 0, 0, 0])
    let crc = CRC32C.checksum([1, 2, 0, 0, 1, 0, 0, 0, 0xAA])
    #expect(Array(bytes[12..<16]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) })
    #expect(bytes[16] == 0xAA)
  }

  @Test func partIsOnlyAtItsFinalNameAfterFinish() throws {
    let writer = try PartFileWriter(partsDirectory: parts, name: "a.part", bufferCapacity: 64)
    _ = try writer.append(type: .artifactSummary, payload: Array(repeating: 1, count: 100))
    #expect(writer.temporaryPath.hasPrefix(parts + "/tmp/a.part."))
    #expect(FileManager.default.fileExists(atPath: writer.temporaryPath))
    #expect(!FileManager.default.fileExists(atPath: parts + "/a.part"))
    try writer.finish()
    #expect(!FileManager.default.fileExists(atPath: writer.temporaryPath))
    #expect(FileManager.default.fileExists(atPath: parts + "/a.part"))
    #expect(throws: StorageError.writerClosed(path: writer.temporaryPath)) {
      try writer.append(type: .lineSegment, payload: [])
    }
  }

  @Test func abandonedPartLeavesNoFile() throws {
    let writer = try PartFileWriter(partsDirectory: parts, name: "b.part")
    _ = try writer.append(type: .lineSegment, payload: [1])
    writer.abandon()
    #expect(!FileManager.default.fileExists(atPath: writer.temporaryPath))
    #expect(!FileManager.default.fileExists(atPath: parts + "/b.part"))
  }

  /// A stalled attempt and the attempt that replaced it write the same part name: the stalled
  /// one's late writes never reach the published part, and its `finish()` is refused.
  @Test func twoWritersOfOneNameNeverShareAFile() throws {
    let stalled = try PartFileWriter(partsDirectory: parts, name: "d.part", bufferCapacity: 16)
    _ = try stalled.append(type: .lineSegment, payload: Array(repeating: 7, count: 40))
    let replacing = try PartFileWriter(partsDirectory: parts, name: "d.part", bufferCapacity: 16)
    #expect(replacing.temporaryPath != stalled.temporaryPath)
    _ = try replacing.append(type: .lineSegment, payload: [1])
    try replacing.finish()
    _ = try stalled.append(type: .lineSegment, payload: Array(repeating: 9, count: 40))
    #expect(throws: StorageError.partAlreadyExists(path: parts + "/d.part")) { try stalled.finish() }
    let published = try FileSystem.readAll(parts + "/d.part")
    #expect(published.count == 17)
    #expect(
      try PartFileReader(partsDirectory: parts).read(ArtifactLocation(part: "d.part", offset: 0, length: 17)).payload
        == [1])
  }

  @Test func publishedPartIsNeverOverwritten() throws {
    _ = try writePart("c.part", [[1]])
    let error = try #require(throws: StorageError.self) { try writePart("c.part", [[2]]) }
    #expect(
      error.description
        == "part file \(parts)/c.part already exists; a part is written once — use a new part name")
    #expect(
      try PartFileReader(partsDirectory: parts).read(ArtifactLocation(part: "c.part", offset: 0, length: 17)).payload
        == [1])
  }

  @Test func flippedPayloadByteIsAChecksumMismatch() throws {
    let name = "s/0000000042-a-3.part"
    let locations = try writePart(name, [Array(repeating: 5, count: 40), Array(repeating: 9, count: 372)])
    try flipByte(in: parts + "/" + name, at: Int(locations[1].offset) + 100)
    let reader = PartFileReader(partsDirectory: parts)
    #expect(try reader.read(locations[0]).payload.count == 40)
    let error = try #require(throws: StorageError.self) { try reader.read(locations[1]) }
    guard case .checksumMismatch(_, _, _, let stored, let computed) = error else {
      Issue.record("expected a checksum mismatch, got \(error)")
      return
    }
    #expect(
      error.description
        == "checksum mismatch in part s/0000000042-a-3.part at offset 56 (length 388): stored \(StorageError.hex(stored)), computed \(StorageError.hex(computed)); the record is corrupt — restore the file from a backup, or rebuild the store from archive/ (`ledgerline rebuild`)"
    )
    #expect(stored != computed)
  }

  @Test func flippedMagicByteIsReportedAsBadMagic() throws {
    let location = try writePart("m.part", [[1, 2]])[0]
    try flipByte(in: parts + "/m.part", at: 0)
    let error = try #require(throws: StorageError.self) {
      try PartFileReader(partsDirectory: parts).read(location)
    }
    #expect(
      error.description
        == "bad record magic in part m.part at offset 0: found 0x4d4c5243, expected 0x4c4c5243 (\"LLRC\"); the location is wrong or the file is corrupt — restore the file from a backup, or rebuild the store from archive/ (`ledgerline rebuild`)"
    )
  }

  @Test func locationLengthDisagreeingWithHeaderIsReported() throws {
    _ = try writePart("l.part", [[1, 2, 3], [4]])
    let wrong = ArtifactLocation(part: "l.part", offset: 0, length: 20)
    let error = try #require(throws: StorageError.self) { try PartFileReader(partsDirectory: parts).read(wrong) }
    #expect(error == .lengthMismatch(part: "l.part", offset: 0, expected: 20, header: 19))
  }

  @Test func truncatedFileIsAShortRead() throws {
    let locations = try writePart("t.part", [[1], Array(repeating: 2, count: 50)])
    #expect(truncate(parts + "/t.part", 40) == 0)
    let error = try #require(throws: StorageError.self) {
      try PartFileReader(partsDirectory: parts).read(locations[1])
    }
    #expect(
      error.description
        == "part t.part ends at byte 40, inside the record at offset 17 (length 66); the file is truncated — restore the file from a backup, or rebuild the store from archive/ (`ledgerline rebuild`)"
    )
  }

  @Test func missingPartNamesThePath() throws {
    let error = try #require(throws: FileSystemError.self) {
      try PartFileReader(partsDirectory: parts).read(ArtifactLocation(part: "gone.part", offset: 0, length: 16))
    }
    #expect(error.description == "could not open \(parts)/gone.part: No such file or directory (errno 2)")
  }

  @Test func scanVisitsEveryRecordInOrder() throws {
    let payloads: [[UInt8]] = (0..<300).map { Array(repeating: UInt8($0 % 256), count: $0 * 11) }
    let locations = try writePart("scan.part", payloads)
    var seen: [(ArtifactLocation, [UInt8])] = []
    try PartFileReader(partsDirectory: parts).forEachRecord(inPart: "scan.part") { location, type, payload in
      #expect(type == .lineSegment)
      seen.append((location, payload))
    }
    #expect(seen.map(\.0) == locations)
    #expect(seen.map(\.1) == payloads)
  }

  @Test(arguments: [
    (7, "only 7 bytes left, less than a 16-byte record header"),
    (25, "the record header says 10 payload bytes, only 9 follow"),
  ])
  func scanStopsAtATornTail(extra: Int, detail: String) throws {
    _ = try writePart("torn.part", [[1, 2, 3, 4], Array(repeating: 6, count: 10)])
    #expect(truncate(parts + "/torn.part", off_t(20 + extra)) == 0)
    var count = 0
    let error = try #require(throws: StorageError.self) {
      try PartFileReader(partsDirectory: parts).forEachRecord(inPart: "torn.part") { _, _, _ in count += 1 }
    }
    #expect(count == 1)
    #expect(
      error.description
        == "torn tail in part torn.part at offset 20 of \(20 + extra) bytes: \(detail); the records before offset 20 are intact — truncate the file to 20 bytes, or rebuild the store from archive/ (`ledgerline rebuild`)"
    )
  }

  @Test func readerBoundsItsOpenFiles() throws {
    for index in 0..<5 { _ = try writePart("f\(index).part", [[UInt8(index)]]) }
    let reader = PartFileReader(partsDirectory: parts, maxOpenFiles: 2)
    for index in 0..<5 {
      #expect(
        try reader.read(ArtifactLocation(part: "f\(index).part", offset: 0, length: 17)).payload == [UInt8(index)])
    }
    #expect(reader.openFileCount == 2)
    reader.evict(part: "f4.part")
    #expect(reader.openFileCount == 1)
  }
}
