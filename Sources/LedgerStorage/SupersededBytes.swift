/// Bytes of artifact summaries that became garbage, by the part file they lie in: each new
/// version of an artifact supersedes the summary it was built on (the old lines stay live, the
/// new summary points at them). Recorded in the key index under `source` (the job partition or
/// compaction pass that superseded them), so recording the same source again replaces, never
/// adds. Compaction runs only when some part's garbage makes a pass pay.
public struct SupersededBytes: Sendable, Equatable {
  /// Who superseded the bytes, e.g. `job 3 partition 1`.
  public var source: String
  public var byPart: [String: Int64]

  public init(source: String, byPart: [String: Int64] = [:]) {
    self.source = source
    self.byPart = byPart
  }

  public var isEmpty: Bool { byPart.values.allSatisfy { $0 == 0 } }

  /// Adds the summary at `location` as superseded.
  public mutating func add(_ location: ArtifactLocation) {
    byPart[location.part, default: 0] += Int64(location.length)
  }

  /// The `RecordType.supersededBytes` payload: count, then (part, bytes) in part order.
  public func encoded() -> [UInt8] {
    var writer = ByteWriter()
    let parts = byPart.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    writer.writeCount(parts.count)
    for (part, bytes) in parts {
      writer.writeString(part)
      writer.writeVarUInt(UInt64(bytes))
    }
    return writer.bytes
  }

  /// Decodes a `RecordType.supersededBytes` payload recorded under `source`.
  public static func decode(_ payload: [UInt8], source: String) throws(StorageError) -> SupersededBytes {
    var reader = ByteReader(payload, context: "superseded bytes of \(source)")
    var out = SupersededBytes(source: source)
    for _ in 0..<(try reader.readCount()) {
      let part = try reader.readString()
      out.byPart[part, default: 0] += Int64(try reader.readVarUInt())
    }
    return out
  }
}

/// The garbage recorded in one part file: superseded summaries, and what compaction measured.
public struct RecordedGarbage: Sendable, Equatable {
  /// Every recorded byte of garbage in the part: measured by the last pass that scanned it, plus
  /// what was superseded since.
  public var bytes: Int64
  /// The share of `bytes` recorded since a pass last measured the part: a part nobody has
  /// superseded anything in since its last measurement is not worth another look.
  public var sinceMeasured: Int64

  public init(bytes: Int64, sinceMeasured: Int64) {
    self.bytes = bytes
    self.sinceMeasured = sinceMeasured
  }

  /// The source under which a pass records the garbage it measured in a part (one per part:
  /// recording it replaces everything recorded about the part before).
  public static let measuredSource = "measured by compaction"
}
