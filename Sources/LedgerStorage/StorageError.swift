/// Failures of the storage layer: I/O, corrupt or truncated records, undecodable payloads and
/// the data directory. Each message names the file and offset and says what to do.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedFailure {
  /// A payload ended early: `needed` more bytes at byte `offset` of `context`, only `available` left.
  case truncated(context: String, offset: Int, needed: Int, available: Int)
  /// A payload held an impossible value (bad tag, varint overflow, invalid UTF-8...).
  case malformed(context: String, offset: Int, detail: String)
  /// The record at `offset` does not start with the magic bytes `LLRC`.
  case badMagic(part: String, offset: Int64, found: [UInt8])
  /// The record was written by a newer format version than this build reads.
  case unsupportedFormatVersion(part: String, offset: Int64, version: UInt8)
  /// The record's type byte names no known record type.
  case unknownRecordType(part: String, offset: Int64, type: UInt8)
  /// A record of another type was found where `expected` was needed.
  case unexpectedRecordType(part: String, offset: Int64, expected: RecordType, found: RecordType)
  /// The frame's payload length disagrees with the location's length.
  case lengthMismatch(part: String, offset: Int64, expected: Int32, header: Int64)
  /// The CRC32C stored in the frame does not match the bytes.
  case checksumMismatch(part: String, offset: Int64, length: Int32, stored: UInt32, computed: UInt32)
  /// The part file ends inside the record at `offset`.
  case shortRead(part: String, offset: Int64, length: Int32, fileSize: Int64)
  /// A sequential scan met an incomplete record at the end of the file.
  case tornTail(part: String, offset: Int64, fileSize: Int64, detail: String)
  /// A location that cannot hold a record (length below the 16-byte header).
  case invalidLocation(ArtifactLocation)
  /// A payload too large for one record.
  case recordTooLarge(part: String, payloadLength: Int)
  /// A part file's final name is already taken; parts are written once.
  case partAlreadyExists(path: String)
  /// An append or finish on a writer that was finished, abandoned or failed.
  case writerClosed(path: String)
  /// Another engine holds the data directory's lock.
  case engineLockHeld(directory: String, pid: Int32?)
  /// The data directory (or one of its folders) cannot be used by this user.
  case directoryNotUsable(path: String, detail: String)
  /// A part file stamped with another store's id: copied in from another data directory.
  case foreignPart(part: String, found: String, expected: String)
  /// A key-index run that fails verification (checksum, framing, order).
  case damagedIndexRun(path: String, detail: String)
  /// A key-index run the index lists but that is not on disk.
  case missingIndexRun(path: String)
  /// A key-index run stamped with another store's id.
  case foreignIndexRun(path: String, found: String, expected: String)

  public var description: String {
    switch self {
    case .truncated(let context, let offset, let needed, let available):
      return "truncated \(context): needed \(needed) bytes at byte \(offset), only \(available) left; "
        + Self.corruptAdvice
    case .malformed(let context, let offset, let detail):
      return "malformed \(context) at byte \(offset): \(detail); " + Self.corruptAdvice
    case .badMagic(let part, let offset, let found):
      return "bad record magic in part \(part) at offset \(offset): found \(Self.hex(found)), "
        + "expected 0x4c4c5243 (\"LLRC\"); the location is wrong or the file is corrupt — "
        + Self.restoreAdvice
    case .unsupportedFormatVersion(let part, let offset, let version):
      return "unsupported record format version \(version) in part \(part) at offset \(offset); "
        + "this build reads version \(RecordFrame.formatVersion) — upgrade ledgerline"
    case .unknownRecordType(let part, let offset, let type):
      return "unknown record type \(type) in part \(part) at offset \(offset); "
        + "the file was written by a newer ledgerline — upgrade ledgerline"
    case .unexpectedRecordType(let part, let offset, let expected, let found):
      return "expected a \(expected) record in part \(part) at offset \(offset), found a \(found) "
        + "record; the key index points at the wrong record — rebuild the index"
    case .lengthMismatch(let part, let offset, let expected, let header):
      return "length mismatch in part \(part) at offset \(offset): the location says \(expected) "
        + "bytes, the record header says \(header); " + Self.corruptAdvice
    case .checksumMismatch(let part, let offset, let length, let stored, let computed):
      return "checksum mismatch in part \(part) at offset \(offset) (length \(length)): stored "
        + "\(Self.hex(stored)), computed \(Self.hex(computed)); " + Self.corruptAdvice
    case .shortRead(let part, let offset, let length, let fileSize):
      return "part \(part) ends at byte \(fileSize), inside the record at offset \(offset) "
        + "(length \(length)); the file is truncated — " + Self.restoreAdvice
    case .tornTail(let part, let offset, let fileSize, let detail):
      return "torn tail in part \(part) at offset \(offset) of \(fileSize) bytes: \(detail); "
        + "the records before offset \(offset) are intact — truncate the file to \(offset) bytes, "
        + "or rebuild the store from archive/ (`ledgerline rebuild`)"
    case .invalidLocation(let location):
      return "invalid record location \(location): a record is at least "
        + "\(RecordFrame.headerSize) bytes; the key index entry is corrupt — rebuild the index"
    case .recordTooLarge(let part, let payloadLength):
      return "record of \(payloadLength) bytes is too large for part \(part) (limit "
        + "\(RecordFrame.maxPayloadLength)); split it into smaller segments"
    case .partAlreadyExists(let path):
      return "part file \(path) already exists; a part is written once — use a new part name"
    case .writerClosed(let path):
      return "part file \(path) is no longer open for writing (finished, abandoned or failed); "
        + "start a new part"
    case .engineLockHeld(let directory, let pid):
      let who = pid.map { "pid \($0)" } ?? "pid unknown"
      return "data directory \(directory) is in use by another ledgerline engine (\(who)); "
        + "watch it with `ledgerline console --read-only`, stop it first, or use another --data"
    case .directoryNotUsable(let path, let detail):
      return "data directory \(path) cannot be used: \(detail); fix its owner and permissions "
        + "or use another --data"
    case .foreignPart(let part, let found, let expected):
      return "part \(part) was written for store \(found), not this data directory's store \(expected) "
        + "(copied in from another data directory?); nothing of it is read — restore this store's "
        + "own file, or rebuild the store from archive/ (`ledgerline rebuild`)"
    case .damagedIndexRun(let path, let detail):
      return "key-index run \(path) is damaged: \(detail); " + Self.rebuildIndexAdvice
    case .missingIndexRun(let path):
      return "key-index run \(path) is listed in the index but missing; " + Self.rebuildIndexAdvice
    case .foreignIndexRun(let path, let found, let expected):
      return "key-index run \(path) was written for store \(found), not this data directory's store "
        + "\(expected) (copied in from another data directory?); nothing of it is read — "
        + Self.rebuildIndexAdvice
    }
  }

  /// Stored bytes that fail verification need an operator; a short read may be a file still
  /// being replaced; a held lock is contention; the rest are broken invariants.
  public var failureKind: FailureKind {
    switch self {
    case .shortRead: .transientIO
    case .engineLockHeld: .contention
    case .truncated, .malformed, .badMagic, .unsupportedFormatVersion, .unknownRecordType,
      .unexpectedRecordType, .lengthMismatch, .checksumMismatch, .tornTail, .foreignPart, .damagedIndexRun,
      .missingIndexRun, .foreignIndexRun:
      .corruptData
    case .partAlreadyExists, .writerClosed, .invalidLocation, .recordTooLarge,
      .directoryNotUsable:
      .internalError
    }
  }

  private static let corruptAdvice = "the record is corrupt — " + restoreAdvice
  /// What an operator can do about a damaged part: a done batch cannot be run again, the store
  /// can be rebuilt from its evidence.
  private static let restoreAdvice =
    "restore the file from a backup, or rebuild the store from archive/ (`ledgerline rebuild`)"

  /// What an operator can do about a damaged index run: the index is derived data.
  private static let rebuildIndexAdvice =
    "restore index-runs/ and index.sqlite from the same backup, or rebuild the store from archive/ "
    + "(`ledgerline rebuild`)"

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  static func hex(_ bytes: [UInt8]) -> String {
    "0x" + bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
  }

}
