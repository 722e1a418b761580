import LedgerSystem

/// One thing `ledgerline verify` found in a data directory: a problem (the store is not whole)
/// or a notice (worth knowing, nothing lost). It names the file and, where there is one, the
/// offset, order id or input batch; its message says what failed and what to do.
public struct StoreFinding: Sendable, Equatable, CustomStringConvertible {
  /// What was found. The raw value is the stable name `--json` prints.
  public enum Kind: String, Sendable, CaseIterable {
    /// A record fails verification (magic, length, CRC32C, type) or does not decode.
    case corruptRecord = "corrupt-record"
    /// A part file an index entry or a summary points at cannot be read (permissions, I/O).
    case unreadablePart = "unreadable-part"
    /// A part file an index entry or a summary points at is gone.
    case missingPart = "missing-part"
    /// Records that read back but disagree: the summary with its index entry or with its lines.
    case inconsistentArtifact = "inconsistent-artifact"
    /// A registered input batch has no file in the archive (nor in the inbox).
    case missingArchive = "missing-archive"
    /// An archived input batch differs from its recorded size or SHA-256.
    case archiveMismatch = "archive-mismatch"
    /// An archived input batch cannot be read (not a regular file, permissions, I/O).
    case unreadableArchive = "unreadable-archive"
    /// A run file of the key index is missing, damaged or another store's: the live records
    /// could not all be walked.
    case unreadableIndex = "unreadable-index"
    /// The key index and the workflow ledger disagree on what was indexed (one of them was
    /// restored from another backup): the engine refuses to start.
    case indexLedgerMismatch = "index-ledger-mismatch"
    /// Notice: an artifact part no index entry references (garbage compaction reclaims).
    case unreferencedPart = "unreferenced-part"
    /// Notice: an input batch registered before fingerprints were kept: only its size is checked.
    case sizeOnly = "size-only"
    /// Notice: an input batch registered but still in the inbox (the next scan archives it).
    case notYetArchived = "not-yet-archived"

    /// Whether this kind means the store is not whole (otherwise it is a notice).
    public var isProblem: Bool {
      switch self {
      case .corruptRecord, .unreadablePart, .missingPart, .inconsistentArtifact, .missingArchive,
        .archiveMismatch, .unreadableArchive, .indexLedgerMismatch, .unreadableIndex:
        true
      case .unreferencedPart, .sizeOnly, .notYetArchived: false
      }
    }
  }

  /// What was found.
  public var kind: Kind
  /// The file, relative to the data directory: `parts/a-….part`, `archive/<source>/<name>`.
  public var file: String
  /// The byte offset of the record in `file`, when one record is at fault.
  public var offset: Int64?
  /// The order id of the artifact concerned.
  public var orderID: String?
  /// The id of the input batch concerned.
  public var inputBatch: Int64?
  /// What failed, with the values found, and what to do.
  public var message: String

  /// A finding of `kind` on `file`.
  public init(
    kind: Kind, file: String, offset: Int64? = nil, orderID: String? = nil, inputBatch: Int64? = nil,
    message: String
  ) {
    self.kind = kind
    self.file = file
    self.offset = offset
    self.orderID = orderID
    self.inputBatch = inputBatch
    self.message = message
  }

  /// `parts/a-0000000001-2.part offset 4096, order ord-1: checksum mismatch …`
  public var description: String {
    var place = file
    if let offset { place += " offset \(offset)" }
    if let orderID { place += ", order \(orderID)" }
    if let inputBatch { place += ", input batch \(inputBatch)" }
    return "\(place): \(message)"
  }
}

extension StoreFinding: Encodable {
  enum CodingKeys: String, CodingKey {
    case kind, file, offset, message
    case orderID = "order_id", inputBatch = "input_batch"
  }

  /// Every key is present; an unknown offset, order id or input batch is `null`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(kind.rawValue, forKey: .kind)
    try container.encode(file, forKey: .file)
    try container.encode(JSONNullable(offset), forKey: .offset)
    try container.encode(JSONNullable(orderID), forKey: .orderID)
    try container.encode(JSONNullable(inputBatch), forKey: .inputBatch)
    try container.encode(message, forKey: .message)
  }
}

/// Findings of one kind of severity, the first `limit` kept and all counted: a store with a
/// million broken records reports a million without holding a million messages.
struct StoreFindingList: Sendable {
  let limit: Int
  private(set) var listed: [StoreFinding] = []
  private(set) var count = 0

  init(limit: Int) {
    self.limit = limit
  }

  mutating func append(_ finding: StoreFinding) {
    count += 1
    if listed.count < limit { listed.append(finding) }
  }

  /// Appends `other`'s listed findings (as room allows) and counts all of its findings.
  mutating func append(contentsOf other: StoreFindingList) {
    for finding in other.listed { append(finding) }
    count += other.count - other.listed.count
  }
}
