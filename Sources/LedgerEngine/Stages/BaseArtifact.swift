import LedgerStorage

/// The current artifact of one key, as prefetched: the decoded summary when the cache had it,
/// else the summary record's payload, decoded only when process reaches the key (a prefetched
/// job holds about a hundred bytes per key instead of a decoded summary).
public struct BaseArtifact: Sendable {
  private enum Form: Sendable {
    case decoded(StoredSummary)
    case encoded([UInt8])
  }

  private let form: Form
  /// The key index entry the summary was found by.
  public var entry: IndexEntry

  /// A base artifact already decoded (e.g. from the cache).
  public init(stored: StoredSummary, entry: IndexEntry) {
    self.form = .decoded(stored)
    self.entry = entry
  }

  /// A base artifact kept as the payload of its `RecordType.artifactSummary` record.
  public init(payload: [UInt8], entry: IndexEntry) {
    self.form = .encoded(payload)
    self.entry = entry
  }

  /// The summary record's payload, when kept encoded (nil when decoded already).
  public var payload: [UInt8]? {
    guard case .encoded(let payload) = form else { return nil }
    return payload
  }

  /// The summary; throws `StorageError` if the payload does not decode.
  public func stored() throws -> StoredSummary {
    switch form {
    case .decoded(let stored): return stored
    case .encoded(let payload):
      return try ArtifactCodec.decodeSummary(payload, at: entry.location)
    }
  }
}
