import LedgerDomain
import LedgerEngine
import LedgerStorage

/// Builds a large state directly (not by running the engine, which would take hours at 10M):
/// artifacts of one line each, written as segment + summary records with ``PartFileWriter``
/// (`load-NNNN.part`, 250,000 artifacts a part), their index entries published in one
/// transaction per part. Artifact `i` has key `BenchInput.orderID(i * stride)`, version 0.
public struct BenchStateLoader: Sendable {
  let context: EngineContext

  /// A loader writing into `context`'s data directory.
  public init(context: EngineContext) {
    self.context = context
  }

  /// Writes `count` artifacts; returns the bytes of part files written.
  @discardableResult
  public func load(count: Int, stride: Int, perPart: Int = 250_000) throws -> Int64 {
    var bytes: Int64 = 0
    var first = 0
    var part = 0
    while first < count {
      let last = min(count, first + perPart)
      bytes += try loadPart(part, range: first..<last, stride: stride)
      first = last
      part += 1
    }
    // Merges of the runs these publishes wrote finish now, not inside the measurement after.
    try context.keyIndex.settle()
    return bytes
  }

  private func loadPart(_ part: Int, range: Range<Int>, stride: Int) throws -> Int64 {
    let writer = try PartFileWriter(
      partsDirectory: context.paths.parts, name: "load-\(PartNames.pad(UInt64(part))).part")
    var entries: [IndexEntry] = []
    entries.reserveCapacity(range.count)
    do {
      for i in range {
        entries.append(try append(i, key: BenchInput.orderID(i * stride), to: writer))
      }
      try writer.finish()
    } catch {
      writer.abandon()
      throw error
    }
    try context.keyIndex.publish(entries, eventIDs: [])
    return writer.length
  }

  private func append(_ i: Int, key: String, to writer: PartFileWriter) throws -> IndexEntry {
    let amount = Int64(i % 100_000 + 1)
    let event = Event(
      id: "state-\(i)", orderID: key, kind: .charge, amount: amount, currency: .usd,
      ts: "2026-11-26T10:00:00Z", origin: EventOrigin(source: "bench-state", file: "bulk-load", line: i + 1))
    let segment = try writer.append(
      type: .lineSegment, payload: ArtifactCodec.encode(LineSegment(orderID: key, version: 0, events: [event])))
    let summary = ArtifactSummary(
      orderID: key, version: 0, lineCount: 1,
      totals: [.usd: CurrencyTotals(balance: amount, debits: amount, credits: 0)])
    let stored = StoredSummary(
      summary: summary, segments: [SegmentRef(location: segment, lineCount: 1)], ids: .inline([event.id]))
    let location = try writer.append(type: .artifactSummary, payload: ArtifactCodec.encode(stored))
    return IndexEntry(orderID: key, location: location, version: 0)
  }
}
