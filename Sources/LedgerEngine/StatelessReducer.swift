import LedgerDomain
import LedgerStorage

/// Stage 1 (stateless): validate every line of a job's input batches, quarantine rejects, and
/// reduce the accepted events by order id into a few stateless part files (one per partition).
public struct StatelessReducer: Sendable {
  /// What reduce produced.
  public struct Output: Sendable {
    public var counts: JobCounts
    /// Rejected lines (also written to `rejects/<job>.jsonl`).
    public var rejections: [Rejection]
  }

  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  /// Reduces the inputs of `job`. Re-running after a crash rewrites the same files.
  public func run(job: JobRecord, progress: @Sendable (Double) -> Void = { _ in }) throws -> Output {
    // A retry or a restart re-runs reduce: earlier (unreferenced) outputs give way.
    for p in 0..<context.partitions {
      context.discardPart(PartNames.stateless(job: job.seq, partition: p))
    }
    let inputs = try context.ledger.inputBatches(ids: job.inputs)
    var partitions = [[String: [Event]]](repeating: [:], count: context.partitions)
    var rejections: [Rejection] = []
    var counts = JobCounts()
    for (n, input) in inputs.enumerated() {
      progress(Double(n) / Double(max(1, inputs.count)))
      counts.inputBytes += input.batch.bytes
      try decode(input) { result in
        switch result {
        case .success(let event):
          counts.events += 1
          let p = KeyPartition.of(event.orderID, partitions: context.partitions)
          partitions[p][event.orderID, default: []].append(event)
        case .failure(let rejection):
          rejections.append(rejection)
        }
      }
    }
    counts.rejects = Int64(rejections.count)
    counts.keys = Int64(partitions.reduce(0) { $0 + $1.count })
    try RejectsFile.write(rejections, to: "\(context.paths.rejects)/\(PartNames.rejects(job: job.seq))")
    for (p, groups) in partitions.enumerated() {
      try writePartition(groups, job: job.seq, partition: p)
    }
    return Output(counts: counts, rejections: rejections)
  }

  private func decode(
    _ input: InputBatchRecord, _ body: (Result<Event, Rejection>) throws -> Void
  ) throws {
    let path = "\(context.paths.root)/\(input.batch.archivePath)"
    let bytes = try FileOps.read(path)
    let name = input.batch.name
    try bytes.withUnsafeBufferPointer { buffer in
      if name.hasSuffix(".csv") {
        let from = BatchInstant(secondsSinceEpoch: input.batch.from)
        try CSVBatchDecoder(
          source: input.batch.source, file: name, batchFrom: from,
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

  private func writePartition(_ groups: [String: [Event]], job: UInt64, partition: Int) throws {
    let writer = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.stateless(job: job, partition: partition))
    do {
      for key in groups.keys.sorted() {
        guard let events = groups[key] else { continue }
        _ = try writer.append(
          type: .statelessGroup, payload: ArtifactCodec.encode(StatelessGroup(orderID: key, events: events)))
      }
      try writer.finish()
    } catch {
      writer.abandon()
      throw error
    }
  }
}
