import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Reclaims part files made garbage by superseded artifact versions (SPEC §4).
///
/// A part file with no live record (no current summary, no segment of a current summary) is
/// deleted; a part file whose live bytes are under `rewriteBelow` (60%) of its size has its live records
/// copied into a new part, the affected summaries rewritten with the new segment locations, and
/// the key index moved to the copies (same version) before the old file is deleted.
///
/// Only run while the line is quiescent (no job between prefetch and index, empty in-flight
/// overlay): prefetched and in-flight summaries hold locations that compaction moves.
public struct Compactor: Sendable {
  /// What one compaction pass found and did.
  public struct Report: Sendable, Equatable {
    public var totalBytesBefore: Int64 = 0
    public var liveBytes: Int64 = 0
    public var totalBytesAfter: Int64 = 0
    public var deletedParts: Int = 0
    public var rewrittenParts: Int = 0
    public var movedArtifacts: Int = 0

    public var reclaimedBytes: Int64 { totalBytesBefore - totalBytesAfter }
  }

  /// A part is rewritten when its live bytes are under this share of its size.
  public static let defaultRewriteBelow = 0.6

  let context: EngineContext
  let rewriteBelow: Double
  /// Most live bytes one pass copies; sparser parts beyond it wait for the next pass. Bounds
  /// the memory of a pass (the touched entries) whatever the size of the state.
  let rewriteBudget: Int64

  public init(
    context: EngineContext, rewriteBelow: Double = Compactor.defaultRewriteBelow, rewriteBudget: Int64 = 64 << 20
  ) {
    self.context = context
    self.rewriteBelow = rewriteBelow
    self.rewriteBudget = rewriteBudget
  }

  /// One pass. `through`: only parts of jobs ≤ this (indexed) are candidates.
  ///
  /// Memory is bounded by the number of part files plus `rewriteBudget`: index entries are
  /// streamed (never all held), only each summary's segment references are decoded, and the
  /// cache is not filled with summaries nobody asked for.
  public func run(through indexedThrough: UInt64, pass: UInt64) throws -> Report {
    var report = Report()
    let sizes = try PartNames.artifactPartSizes(in: context.paths.parts)
    report.totalBytesBefore = sizes.values.reduce(0, +)
    var live: [String: Int64] = [:]
    try context.keyIndex.forEachEntry { entry in
      live[entry.location.part, default: 0] += Int64(entry.location.length)
      for segment in try segments(of: entry) {
        live[segment.location.part, default: 0] += Int64(segment.location.length)
      }
    }
    report.liveBytes = live.values.reduce(0, +)
    let candidates = sizes.keys.filter { name in
      guard let job = PartNames.job(ofPart: name), job <= indexedThrough || name.hasPrefix("c-") else { return false }
      return true
    }.sorted()
    let dead = candidates.filter { (live[$0] ?? 0) == 0 }
    let sparse = budgeted(
      candidates.filter { name in
        let l = live[name] ?? 0
        return l > 0 && Double(l) < rewriteBelow * Double(sizes[name] ?? 0)
      }, live: live)
    var reclaim = dead
    if !sparse.isEmpty {
      let (moved, planned) = try rewrite(sparse, touched: try touchedEntries(sparse), pass: pass)
      report.movedArtifacts = moved
      // Delete the old parts only if every move took effect (nothing can still point at them).
      if moved == planned {
        reclaim += sparse
        report.rewrittenParts = sparse.count
      }
    }
    for name in reclaim { try context.discardPart(name) }
    // The garbage recorded so far has been dealt with: reclaimed, or judged not worth a rewrite
    // (and the summaries a rewrite moves out of other parts are not counted). Only versions
    // published after this pass make the next one due, so passes never follow each other
    // without new garbage.
    try context.keyIndex.forgetSuperseded(parts: Array(try context.keyIndex.supersededBytes().keys))
    report.deletedParts = dead.count
    report.totalBytesAfter = try PartNames.artifactPartBytes(in: context.paths.parts)
    return report
  }

  /// The sparse parts this pass rewrites: in name order while their live bytes fit the budget
  /// (at least one, so a pass always makes progress).
  private func budgeted(_ sparse: [String], live: [String: Int64]) -> Set<String> {
    var chosen = Set<String>()
    var bytes: Int64 = 0
    for name in sparse {
      let l = live[name] ?? 0
      if !chosen.isEmpty, bytes + l > rewriteBudget { break }
      chosen.insert(name)
      bytes += l
    }
    return chosen
  }

  /// The segment references of the summary `entry` points at (cache first, else decoding only
  /// the references).
  private func segments(of entry: IndexEntry) throws -> [SegmentRef] {
    if let cached = context.cache.get(entry.location) { return cached.segments }
    let payload = try context.reader.read(entry.location, expecting: .artifactSummary)
    return try ArtifactCodec.summarySegments(payload)
  }

  /// The index entries whose summary or a segment lies in `parts`.
  private func touchedEntries(_ parts: Set<String>) throws -> [IndexEntry] {
    var touched: [IndexEntry] = []
    try context.keyIndex.forEachEntry { entry in
      if parts.contains(entry.location.part) {
        touched.append(entry)
      } else if try segments(of: entry).contains(where: { parts.contains($0.location.part) }) {
        touched.append(entry)
      }
    }
    return touched
  }

  /// Copies the live records of `parts` into a new part and moves the index to the copies.
  private func rewrite(_ parts: Set<String>, touched: [IndexEntry], pass: UInt64) throws -> (
    moved: Int, planned: Int
  ) {
    // A name never used before, not only one that is free now: another process of a fleet may
    // still hold a descriptor or cached records of a deleted part of the same name.
    var n = max(0, context.clock.nowMillis())
    while FileSystem.exists("\(context.paths.parts)/c-\(PartNames.pad(pass))-\(n).part") { n += 1 }
    let name = "c-\(PartNames.pad(pass))-\(n).part"
    let writer = try PartFileWriter(partsDirectory: context.paths.parts, name: name)
    var moves: [KeyRelocation] = []
    moves.reserveCapacity(touched.count)
    do {
      for entry in touched {
        var copy = try ArtifactCodec.decodeSummary(
          try context.reader.read(entry.location, expecting: .artifactSummary), at: entry.location)
        for (i, segment) in copy.segments.enumerated() where parts.contains(segment.location.part) {
          let payload = try context.reader.read(segment.location, expecting: .lineSegment)
          copy.segments[i].location = try writer.append(type: .lineSegment, payload: payload)
        }
        let to = try writer.append(type: .artifactSummary, payload: ArtifactCodec.encode(copy))
        moves.append(KeyRelocation(orderID: entry.orderID, version: entry.version, from: entry.location, to: to))
      }
      try writer.finish()
    } catch {
      writer.abandon()
      throw error
    }
    return (try context.keyIndex.relocate(moves), moves.count)
  }
}
