import LedgerDomain
import LedgerStorage

/// Reads artifacts by location: summaries through the cache, lines from their segments.
public enum ArtifactStore {
  /// The summary record at `location`, through the cache.
  public static func summary(at location: ArtifactLocation, _ context: EngineContext) throws
    -> StoredSummary
  {
    if let cached = context.cache.get(location) { return cached }
    let record = try context.reader.read(location)
    let stored = try ArtifactCodec.decodeSummary(record.payload)
    context.cache.put(stored, at: location, cost: ArtifactCache.decodedCost(of: stored, at: location))
    return stored
  }

  /// Every line of an artifact, in arrival order.
  public static func lines(of stored: StoredSummary, _ context: EngineContext) throws -> [Event] {
    var lines: [Event] = []
    lines.reserveCapacity(stored.summary.lineCount)
    for segment in stored.segments {
      let record = try context.reader.read(segment.location)
      lines.append(contentsOf: try ArtifactCodec.decodeLineSegment(record.payload).events)
    }
    return lines
  }
}
