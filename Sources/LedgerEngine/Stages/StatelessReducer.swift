import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Stage 1 (stateless): validate every line of a job's input batches, quarantine rejects, and
/// reduce the accepted events by order id into a few stateless part files (one per partition).
public struct StatelessReducer: Sendable {
  /// What reduce produced.
  public struct Output: Sendable {
    public var counts: JobCounts
    /// Rejected lines (also written to `rejects/<job>.jsonl`).
    public var rejections: [Rejection]
    /// Blank lines skipped (SPEC §2: skipped and counted, not rejected).
    public var blankLines: Int
  }

  let context: EngineContext

  public init(context: EngineContext) {
    self.context = context
  }

  /// Reduces the inputs of `job`. Re-running after a crash rewrites the same files.
  ///
  /// Input files are decoded in parallel, each into per-partition buffers of encoded events
  /// (no `Event` values are kept); partitions are then written in parallel, each key's events in
  /// input-file order, then line order.
  public func run(job: JobRecord, progress: @Sendable (Double) -> Void = { _ in }) throws -> Output {
    // A retry or a restart re-runs reduce: earlier (unreferenced) outputs give way.
    for p in 0..<context.partitions {
      try context.discardPart(PartNames.stateless(job: job.seq, partition: p))
    }
    let inputs = try context.ledger.inputBatches(ids: job.inputs)
    let files = try reduceFiles(inputs, progress: progress)
    var rejections: [Rejection] = []
    var blankLines = 0
    var counts = JobCounts()
    for (input, file) in zip(inputs, files) {
      counts.inputBytes += input.batch.bytes
      counts.events += file.events
      rejections += file.rejections
      blankLines += file.blankLines
    }
    counts.rejects = Int64(rejections.count)
    try RejectsFile.write(rejections, to: "\(context.paths.rejects)/\(PartNames.rejects(job: job.seq))")
    counts.keys = try writePartitions(files, job: job.seq)
    return Output(counts: counts, rejections: rejections, blankLines: blankLines)
  }

  /// One input file, reduced: its accepted events per partition and its rejections.
  private struct FileReduction: Sendable {
    var partitions: [StatelessPartitionBuffer]
    var rejections: [Rejection] = []
    var events: Int64 = 0
    var blankLines = 0
  }

  private func reduceFiles(
    _ inputs: [InputBatchRecord], progress: @Sendable (Double) -> Void
  ) throws -> [FileReduction] {
    try parallelMap(inputs.count, completed: { progress(0.8 * Double($0) / Double(max(1, inputs.count))) }) {
      try reduce(inputs[$0])
    }
  }

  private func reduce(_ input: InputBatchRecord) throws -> FileReduction {
    let partitions = context.partitions
    // Encoded events take about as many bytes as their JSON text; each partition gets its share.
    let share = Int(input.batch.bytes) / partitions + (1 << 12)
    var file = FileReduction(
      partitions: (0..<partitions).map { _ in StatelessPartitionBuffer(expectedBytes: share) })
    file.blankLines = try decode(input) { result in
      switch result {
      case .success(let event):
        file.events += 1
        let hash = KeyPartition.hash(event.orderID)
        file.partitions[KeyPartition.of(hash: hash, partitions: partitions)].append(event, keyHash: hash)
      case .failure(let rejection):
        file.rejections.append(rejection)
      }
    }
    return file
  }

  /// Writes every partition (in parallel); returns the number of distinct keys.
  private func writePartitions(_ files: [FileReduction], job: UInt64) throws -> Int64 {
    try parallelMap(context.partitions) { p in
      try writePartition(files.map { $0.partitions[p] }, job: job, partition: p)
    }.reduce(0) { $0 + Int64($1) }
  }

  /// The archived copy must be the file that was registered: same size, same SHA-256.
  static func verify(_ bytes: [UInt8], against input: InputBatchRecord) throws {
    let batch = input.batch
    guard let recorded = batch.sha256 else { return }  // registered before fingerprints were kept
    let found = bytes.withUnsafeBytes { SHA256.hex(of: $0) }
    guard Int64(bytes.count) == batch.bytes, found == recorded else {
      throw StageFailure(
        kind: .corruptData, stage: .reduce,
        message:
          "\(batch.archivePath) is not the file registered as input \(input.id): \(bytes.count) bytes with SHA-256 \(found), registered \(batch.bytes) bytes with SHA-256 \(recorded); restore the original from its producer"
      )
    }
  }

  /// Decodes one archived input; returns how many blank lines it skipped.
  private func decode(
    _ input: InputBatchRecord, _ body: (Result<Event, Rejection>) throws -> Void
  ) throws -> Int {
    let path = "\(context.paths.root)/\(input.batch.archivePath)"
    let bytes = try FileSystem.readAll(path, noFollow: true)
    try Self.verify(bytes, against: input)
    let name = input.batch.name
    return try bytes.withUnsafeBufferPointer { buffer in
      if name.hasSuffix(".csv") {
        let from = BatchInstant(secondsSinceEpoch: input.batch.from)
        return try CSVBatchDecoder(
          source: input.batch.source, file: name, batchFrom: from,
          defaultCurrency: context.defaultCurrency
        ).decode(buffer, body)
      } else {
        return try JSONLinesBatchDecoder(
          decoder: EventDecoder(defaultCurrency: context.defaultCurrency),
          source: input.batch.source, file: name
        ).decode(buffer, body)
      }
    }
  }

  private func writePartition(_ buffers: [StatelessPartitionBuffer], job: UInt64, partition: Int) throws -> Int {
    let writer = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.stateless(job: job, partition: partition))
    do {
      let keys = try StatelessPartitionBuffer.forEachGroup(in: buffers) { payload in
        _ = try writer.append(type: .statelessGroup, payload: payload)
      }
      try writer.finish()
      return keys
    } catch {
      writer.abandon()
      throw error
    }
  }
}
