import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

/// The legacy baseline of SPEC §8: one read-modify-write of the artifact and its index entry per
/// event, through the same storage as the engine. For each event, in registration then line
/// order: look up the key index, read the summary by byte range, apply ``ArtifactFold`` to that
/// one event, write the new segment and summary as their own part file (one object write, with
/// its fsyncs), and publish the index entry in its own transaction.
///
/// It ends with the same artifacts as the pipeline (lines, balances, status); versions and
/// locations differ (a version here is the ordinal of the applied event).
public struct TransactionalApplier: Sendable {
  /// What the baseline did.
  public struct Counts: Sendable, Equatable {
    /// Accepted events read from the input batches.
    public var events: Int64 = 0
    /// Events that became lines.
    public var applied: Int64 = 0
    /// Events ignored as duplicates.
    public var duplicates: Int64 = 0
    /// Lines rejected at ingest or at apply time.
    public var rejected: Int64 = 0
    /// Part files written (one per applied event).
    public var objectWrites: Int64 = 0
    /// Records written to part files (segment + summary per applied event).
    public var recordsWritten: Int64 = 0
    /// Bytes of those records.
    public var artifactBytes: Int64 = 0
    /// Index write transactions (one per applied event).
    public var indexTransactions: Int64 = 0
    /// Index rows written (entries and external event ids).
    public var indexRows: Int64 = 0
    /// Key index read transactions (lookups and event-id probes).
    public var indexReads: Int64 = 0
  }

  let context: EngineContext

  /// A baseline over `context` (its own data directory).
  public init(context: EngineContext) {
    self.context = context
  }

  /// Registers the inbox (as the engine's scan does, same order) and applies every event.
  public func run() throws -> Counts {
    let scanner = InboxScanner(
      inbox: context.paths.inbox, archive: context.paths.archive, refused: context.paths.refused,
      ledger: context.ledger, clock: context.clock)
    _ = try scanner.scan()
    var counts = Counts()
    var sequence: UInt64 = 0
    for input in try context.ledger.ungroupedInputBatches() {
      let bytes = try FileSystem.readAll("\(context.paths.root)/\(input.batch.archivePath)")
      try decode(bytes, input: input) { result in
        switch result {
        case .success(let event):
          counts.events += 1
          try apply(event, sequence: &sequence, counts: &counts)
        case .failure:
          counts.rejected += 1
        }
      }
    }
    return counts
  }

  private func decode(
    _ bytes: [UInt8], input: InputBatchRecord, _ body: (Result<Event, Rejection>) throws -> Void
  ) throws {
    let name = input.batch.name
    _ = try bytes.withUnsafeBufferPointer { buffer in
      if name.hasSuffix(".csv") {
        try CSVBatchDecoder(
          source: input.batch.source, file: name,
          batchFrom: BatchInstant(secondsSinceEpoch: input.batch.from),
          defaultCurrency: context.defaultCurrency
        ).decode(buffer, body)
      } else {
        try JSONLinesBatchDecoder(
          decoder: EventDecoder(defaultCurrency: context.defaultCurrency),
          source: input.batch.source, file: name
        ).decode(buffer, body)
      }
    }
  }

  /// One read-modify-write.
  private func apply(_ event: Event, sequence: inout UInt64, counts: inout Counts) throws {
    counts.indexReads += 1
    let entry = try context.keyIndex.entry(for: event.orderID)
    let stored =
      try entry.map {
        try ArtifactCodec.decodeSummary(context.reader.read($0.location, expecting: .artifactSummary))
      } ?? StoredSummary(summary: ArtifactSummary(orderID: event.orderID), segments: [], ids: .inline([]))
    let known: Bool
    switch stored.ids {
    case .inline(let ids): known = ids.contains(event.id)
    case .external:
      counts.indexReads += 1
      known = try !context.keyIndex.knownEventIDs(order: event.orderID, among: [event.id]).isEmpty
    }
    let outcome = ArtifactFold().apply([event], to: stored.summary) { _ in known }
    counts.duplicates += Int64(outcome.duplicates)
    counts.rejected += Int64(outcome.rejected.count)
    guard !outcome.accepted.isEmpty else { return }
    sequence += 1
    try write(outcome, over: stored, version: sequence, counts: &counts)
  }

  private func write(
    _ outcome: ArtifactFold.Outcome, over stored: StoredSummary, version: UInt64, counts: inout Counts
  ) throws {
    let orderID = outcome.summary.orderID
    let writer = try PartFileWriter(
      partsDirectory: context.paths.parts, name: "tx/\(PartNames.pad(version)).part")
    let segment = try writer.append(
      type: .lineSegment,
      payload: ArtifactCodec.encode(LineSegment(orderID: orderID, version: version, events: outcome.accepted)))
    let (newStored, external) = stored.appending(outcome, version: version, segment: segment)
    let newIDs = outcome.accepted.map(\.id)
    let location = try writer.append(type: .artifactSummary, payload: ArtifactCodec.encode(newStored))
    try writer.finish()
    try context.keyIndex.publish(
      [IndexEntry(orderID: orderID, location: location, version: version)],
      eventIDs: external.map { ExternalEventID(orderID: orderID, eventID: $0) })
    counts.applied += Int64(newIDs.count)
    counts.objectWrites += 1
    counts.recordsWritten += 2
    counts.artifactBytes += Int64(segment.length) + Int64(location.length)
    counts.indexTransactions += 1
    counts.indexRows += 1 + Int64(external.count)
  }
}
