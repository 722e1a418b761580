import LedgerDomain
import LedgerStorage

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

  let context: EngineContext
  let rewriteBelow: Double

  public init(context: EngineContext, rewriteBelow: Double = 0.6) {
    self.context = context
    self.rewriteBelow = rewriteBelow
  }

  /// One pass. `through`: only parts of jobs ≤ this (indexed) are candidates.
  public func run(through indexedThrough: UInt64, pass: UInt64) throws -> Report {
    var report = Report()
    var sizes: [String: Int64] = [:]
    for name in FileOps.list(context.paths.parts) where name.hasPrefix("a-") || name.hasPrefix("c-") {
      sizes[name] = (try? FileOps.size("\(context.paths.parts)/\(name)")) ?? 0
    }
    report.totalBytesBefore = sizes.values.reduce(0, +)
    var entries: [IndexEntry] = []
    try context.keyIndex.forEachEntry { entries.append($0) }
    var live: [String: Int64] = [:]
    var summaries: [(IndexEntry, StoredSummary)] = []
    summaries.reserveCapacity(entries.count)
    for entry in entries {
      let stored = try ArtifactStore.summary(at: entry.location, context)
      live[entry.location.part, default: 0] += Int64(entry.location.length)
      for segment in stored.segments { live[segment.location.part, default: 0] += Int64(segment.location.length) }
      summaries.append((entry, stored))
    }
    report.liveBytes = live.values.reduce(0, +)
    let candidates = sizes.keys.filter { name in
      guard let job = PartNames.job(ofPart: name), job <= indexedThrough || name.hasPrefix("c-") else { return false }
      return true
    }
    let dead = candidates.filter { (live[$0] ?? 0) == 0 }
    let sparse = Set(candidates.filter { name in
      let l = live[name] ?? 0
      return l > 0 && Double(l) < rewriteBelow * Double(sizes[name] ?? 0)
    })
    var reclaim = dead
    if !sparse.isEmpty {
      let (moved, planned) = try rewrite(sparse, summaries: summaries, pass: pass)
      report.movedArtifacts = moved
      // Delete the old parts only if every move took effect (nothing can still point at them).
      if moved == planned {
        reclaim += sparse
        report.rewrittenParts = sparse.count
      }
    }
    for name in reclaim { context.discardPart(name) }
    report.deletedParts = dead.count
    report.totalBytesAfter = FileOps.list(context.paths.parts)
      .filter { $0.hasPrefix("a-") || $0.hasPrefix("c-") }
      .reduce(0) { $0 + ((try? FileOps.size("\(context.paths.parts)/\($1)")) ?? 0) }
    return report
  }

  /// Copies the live records of `parts` into a new part and moves the index to the copies.
  private func rewrite(_ parts: Set<String>, summaries: [(IndexEntry, StoredSummary)], pass: UInt64) throws -> (moved: Int, planned: Int) {
    var n = 0
    while FileOps.exists("\(context.paths.parts)/c-\(PartNames.pad(pass))-\(n).part") { n += 1 }
    let name = "c-\(PartNames.pad(pass))-\(n).part"
    let writer = try PartFileWriter(partsDirectory: context.paths.parts, name: name)
    var moves: [KeyRelocation] = []
    do {
      for (entry, stored) in summaries {
        let touched = parts.contains(entry.location.part) || stored.segments.contains { parts.contains($0.location.part) }
        guard touched else { continue }
        var copy = stored
        for (i, segment) in stored.segments.enumerated() where parts.contains(segment.location.part) {
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
