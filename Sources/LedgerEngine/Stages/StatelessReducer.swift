import Foundation
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

  /// A reducer over `context`. A JSON Lines file larger than `rangeBytes` is decoded in up to
  /// `maxRanges` line-aligned ranges (default: eight per core), planned for `workers` threads
  /// (default: one per core, as many as decode them).
  public init(
    context: EngineContext, rangeBytes: Int = 8 << 20, maxRanges: Int? = nil, workers: Int? = nil
  ) {
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    self.context = context
    self.rangeBytes = max(2, rangeBytes)
    self.workers = max(1, workers ?? cores)
    self.maxRanges = max(1, maxRanges ?? 8 * cores)
  }

  /// Reduces the inputs of `job`. Re-running after a crash rewrites the same files.
  ///
  /// Input files are decoded in parallel, each into per-partition buffers of encoded events
  /// (no `Event` values are kept); partitions are then written in parallel, each key's events in
  /// input-file order, then line order.
  ///
  /// Its part files are named by `run` (``PartNames/run(process:attempt:)``), the attempt's own:
  /// a re-run of the same attempt replaces them, and no other attempt's files are touched here
  /// (one that stalled past its lease must not remove those of the attempt that took over).
  public func run(job: JobRecord, run: String? = nil, progress: @Sendable (Double) -> Void = { _ in }) throws
    -> Output
  {
    for p in 0..<context.partitions {
      try context.discardPart(PartNames.stateless(job: job.seq, partition: p, run: run))
    }
    let inputs = try context.ledger.inputBatches(ids: job.inputs)
    let files = try reduceFiles(inputs, progress: progress)
    var counts = JobCounts()
    counts.inputBytes = inputs.reduce(0) { $0 + $1.batch.bytes }
    let (rejections, blankLines) = Self.tally(files, into: &counts)
    counts.keys = try writePartitions(
      files, job: job.seq, run: run, rejections: rejections,
      rejectsPath: "\(context.paths.rejects)/\(PartNames.rejects(job: job.seq))")
    return Output(counts: counts, rejections: rejections, blankLines: blankLines)
  }

  /// Reduces range `range` of `job`, one of several its plan has, whose bytes are `extent`: its
  /// parts are named by `run` with the range's number
  /// (``PartNames/rangeRun(_:range:)``), its rejects go to `rejects/<job>.jsonl` for range 0
  /// and `rejects/<job>.jsonl.<range, 4 digits>` for the others, so a reader listing the folder
  /// in name order reads them in range order (which is line order), then process's. Whole
  /// inputs are verified against their SHA-256, a segment against its own. Its `keys` are
  /// counted by prefetch instead (a key may be in several ranges).
  public func run(
    job: JobRecord, range: Int, of count: Int, extent: RangeExtent, run: String,
    progress: @Sendable (Double) -> Void = { _ in }
  ) throws -> Output {
    let name = PartNames.rangeRun(run, range: range)
    for p in 0..<context.partitions {
      try context.discardPart(PartNames.stateless(job: job.seq, partition: p, run: name))
    }
    let all = try context.ledger.inputBatches(ids: job.inputs)
    let files: [FileReduction]
    var counts = JobCounts()
    switch extent {
    case .inputs(let first, let last):
      let inputs = all.filter { (first...last).contains($0.id) }
      counts.inputBytes = inputs.reduce(0) { $0 + $1.batch.bytes }
      files = try reduceFiles(inputs, progress: progress)
    case .segment(let id, let segment):
      guard let input = all.first(where: { $0.id == id }) else {
        throw StageFailure(
          kind: .internalError, stage: .reduce,
          message: "batch \(job.seq) range \(range): input \(id) is not among its inputs")
      }
      counts.inputBytes = segment.byteTo - segment.byteFrom
      files = try reduceSegment(segment, of: input, progress: progress)
    }
    let (rejections, blankLines) = Self.tally(files, into: &counts)
    let rejects = "\(context.paths.rejects)/\(PartNames.rejects(job: job.seq, range: range))"
    _ = try writePartitions(
      files, job: job.seq, run: name, rejections: rejections, rejectsPath: rejects, keepEmptyRejects: range == 0)
    if range == 0 { try removeRangeRejects(job: job.seq, from: count) }
    return Output(counts: counts, rejections: rejections, blankLines: blankLines)
  }

  /// Adds the events, rejects and blank lines of `files` to `counts`; returns the rejected lines
  /// in file order and the blank lines.
  private static func tally(_ files: [FileReduction], into counts: inout JobCounts) -> ([Rejection], Int) {
    var rejections: [Rejection] = []
    var blankLines = 0
    for file in files {
      counts.events += file.events
      rejections += file.rejections
      blankLines += file.blankLines
    }
    counts.rejects = Int64(rejections.count)
    counts.blankLines = Int64(blankLines)
    return (rejections, blankLines)
  }

  /// Removes the rejects files of ranges `from` and up of `job`, left by a plan with more ranges
  /// before an input was set aside: the ranges its reduce attempts in the ledger name (a range
  /// writes its file only within an attempt), so nothing lists the rejects folder.
  func removeRangeRejects(job: UInt64, from first: Int) throws {
    let last = try context.ledger.stageRuns(job: job).compactMap { $0.stage == .reduce ? $0.range : nil }.max() ?? 0
    guard last >= first else { return }
    for k in first...last {
      try FileSystem.remove("\(context.paths.rejects)/\(PartNames.rejects(job: job, range: k))")
    }
  }

  /// Decodes one segment of a JSON Lines input, after checking its bytes against the segment's
  /// SHA-256 (beside the decode: nothing is written before it matches).
  private func reduceSegment(
    _ segment: InputSegment, of input: InputBatchRecord, progress: @Sendable (Double) -> Void
  ) throws -> [FileReduction] {
    let file = try MappedFile(path: "\(context.paths.root)/\(input.batch.archivePath)")
    try Self.verifySize(file, against: input)
    let lower = Int(segment.byteFrom)
    let upper = Int(segment.byteTo)
    guard lower <= upper, upper <= file.count else {
      throw Self.notRegistered(file, input, found: SHA256.hex(of: UnsafeRawBufferPointer(file.bytes)))
    }
    let planned = try units(of: file, input: 0, range: lower..<upper, firstLine: Int(segment.firstLine))
    let reductions = try parallelMap(
      1 + planned.count, completed: { progress(0.8 * Double($0) / Double(1 + planned.count)) }
    ) { i -> FileReduction? in
      guard i > 0 else {
        let found = SHA256.hex(of: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(file.bytes)[lower..<upper]))
        guard found == segment.sha256 else {
          throw StageFailure(
            kind: .corruptData, stage: .reduce,
            message:
              "\(input.batch.archivePath) bytes \(lower)..<\(upper) are not the segment registered for input \(input.id): SHA-256 \(found), registered \(segment.sha256); restore the original from its producer"
          )
        }
        return nil
      }
      return reduce(planned[i - 1], input: input, file: file)
    }
    return reductions.compactMap { $0 }
  }

  /// One unit (a file or a range of one), reduced: its accepted events per partition and its
  /// rejections.
  private struct FileReduction: Sendable {
    var partitions: [StatelessPartitionBuffer]
    var rejections: [Rejection] = []
    var events: Int64 = 0
    var blankLines = 0

  }

  /// A piece of one input decoded on its own: a whole file, or a line-aligned range of a large
  /// JSON Lines file. Units are in input order, then range order, which is line order.
  struct Unit: Sendable {
    var input: Int
    var range: Range<Int>
    var firstLine: Int
  }

  /// Below this size a JSON Lines file is one unit; above it, it is split into line-aligned
  /// ranges (at most `maxRanges`, none planned under half of `rangeBytes`) for `workers` threads.
  let rangeBytes: Int
  let maxRanges: Int
  let workers: Int

  /// Where to cut `total` bytes for `workers` threads: each range takes 1/(2 × workers) of what is
  /// left, so ranges shrink towards the end of the file and the threads finish together (equal
  /// ranges left one core idle for most of a range's time at the end); none is planned under
  /// `minimum` bytes, and the last of `maxRanges` takes the rest.
  static func guidedCuts(total: Int, workers: Int, minimum: Int, maxRanges: Int) -> [Int] {
    var cuts: [Int] = []
    var start = 0
    while cuts.count + 1 < maxRanges {
      let size = max(minimum, (total - start) / (2 * workers))
      guard total - start > size else { break }
      start += size
      cuts.append(start)
    }
    return cuts
  }

  /// Maps every input, splits large JSON Lines files into line-aligned ranges, and decodes all
  /// units in parallel while each input's SHA-256 is checked beside them (a hash of one file runs
  /// on one core: checked first, it would hold the decode back); returns one reduction per unit,
  /// in unit order. An input that is not the registered file fails the stage, whatever was
  /// decoded: nothing is written before every input is verified.
  private func reduceFiles(
    _ inputs: [InputBatchRecord], progress: @Sendable (Double) -> Void
  ) throws -> [FileReduction] {
    let files = try inputs.map { try MappedFile(path: "\(context.paths.root)/\($0.batch.archivePath)") }
    for (file, input) in zip(files, inputs) { try Self.verifySize(file, against: input) }
    let units = try units(inputs, files)
    let verified = inputs.count
    let reductions = try parallelMap(
      verified + units.count, completed: { progress(0.8 * Double($0) / Double(max(1, verified + units.count))) }
    ) { i -> FileReduction? in
      guard i >= verified else {
        try Self.verify(files[i], against: inputs[i])
        return nil
      }
      let unit = units[i - verified]
      return reduce(unit, input: inputs[unit.input], file: files[unit.input])
    }
    // Units are in input order, then line order: writing their buffers in this order gives each
    // key's events in input order, then line order, exactly as one pass per file would.
    return reductions.compactMap { $0 }
  }

  func units(_ inputs: [InputBatchRecord], _ files: [MappedFile]) throws -> [Unit] {
    var units: [Unit] = []
    for (n, input) in inputs.enumerated() {
      let bytes = files[n].bytes
      // CSV records may hold quoted newlines, so a CSV file is decoded in one pass.
      guard !input.batch.name.hasSuffix(".csv") else {
        units.append(Unit(input: n, range: 0..<bytes.count, firstLine: 1))
        continue
      }
      units += try self.units(of: files[n], input: n, range: 0..<bytes.count, firstLine: 1)
    }
    return units
  }

  /// The units of bytes `range` of JSON Lines `file` (input `input`), whose first physical line
  /// is `firstLine`: one up to `rangeBytes`, else line-aligned ranges at `guidedCuts`, each
  /// numbered by counting the newlines before it (in parallel).
  private func units(of file: MappedFile, input: Int, range: Range<Int>, firstLine: Int) throws -> [Unit] {
    guard range.count > rangeBytes else { return [Unit(input: input, range: range, firstLine: firstLine)] }
    let cuts = Self.guidedCuts(total: range.count, workers: workers, minimum: rangeBytes / 2, maxRanges: maxRanges)
    let ranges = JSONLinesBatchDecoder.lineAlignedRanges(UnsafeBufferPointer(rebasing: file.bytes[range]), cuts: cuts)
      .map { ($0.lowerBound + range.lowerBound)..<($0.upperBound + range.lowerBound) }
    let counts = try parallelMap(ranges.count) { JSONLinesBatchDecoder.newlines(in: file.bytes, range: ranges[$0]) }
    var units: [Unit] = []
    var line = firstLine
    for (piece, newlines) in zip(ranges, counts) {
      units.append(Unit(input: input, range: piece, firstLine: line))
      line += newlines
    }
    return units
  }

  private func reduce(_ unit: Unit, input: InputBatchRecord, file: MappedFile) -> FileReduction {
    let partitions = context.partitions
    // Encoded events take about as many bytes as their JSON text; each partition gets its share.
    let share = unit.range.count / partitions + (1 << 12)
    var reduction = FileReduction(
      partitions: (0..<partitions).map { _ in StatelessPartitionBuffer(expectedBytes: share) })
    let batch = input.batch
    guard !batch.name.hasSuffix(".csv") else {
      reduction.blankLines = CSVBatchDecoder(
        source: batch.source, file: batch.name, batchFrom: BatchInstant(secondsSinceEpoch: batch.from),
        defaultCurrency: context.defaultCurrency
      ).decode(file.bytes) { result in
        switch result {
        case .success(let event):
          reduction.events += 1
          reduction.partitions[KeyPartition.of(event.orderID, partitions: partitions)].append(event)
        case .failure(let rejection):
          reduction.rejections.append(rejection)
        }
      }
      return reduction
    }
    // JSON Lines: accepted lines are encoded from their checked fields, no `Event` built.
    let origin = EncodedSource(source: batch.source, file: batch.name)
    reduction.blankLines = JSONLinesBatchDecoder(
      decoder: EventDecoder(defaultCurrency: context.defaultCurrency), source: batch.source, file: batch.name
    ).decodeChecked(
      file.bytes, range: unit.range, firstLine: unit.firstLine,
      accepted: { checked, line in
        reduction.events += 1
        let partition = KeyPartition.of(hash: KeyPartition.hash(checked.orderID), partitions: partitions)
        reduction.partitions[partition].append(checked, origin: origin, line: line)
      },
      rejected: { reduction.rejections.append($0) })
    return reduction
  }

  /// Writes every partition and the rejects file (all in parallel: the rejects file alone kept a
  /// core idle for 20 ms of a 2M-line batch); returns the number of distinct keys.
  private func writePartitions(
    _ files: [FileReduction], job: UInt64, run: String?, rejections: [Rejection], rejectsPath: String,
    keepEmptyRejects: Bool = true
  ) throws -> Int64 {
    try parallelMap(context.partitions + 1) { p in
      guard p < context.partitions else {
        if rejections.isEmpty, !keepEmptyRejects {
          try FileSystem.remove(rejectsPath)
        } else {
          try RejectsFile.write(rejections, to: rejectsPath)
        }
        return 0
      }
      return try writePartition(files.map { $0.partitions[p] }, job: job, partition: p, run: run)
    }.reduce(0) { $0 + Int64($1) }
  }

  /// The archived copy must be the file that was registered: same size, same SHA-256.
  static func verify(_ file: MappedFile, against input: InputBatchRecord) throws {
    guard let recorded = input.batch.sha256 else { return }  // registered before fingerprints were kept
    let found = SHA256.hex(of: UnsafeRawBufferPointer(file.bytes))
    guard Int64(file.count) == input.batch.bytes, found == recorded else {
      throw notRegistered(file, input, found: found)
    }
  }

  /// The size alone, checked before anything is decoded (a truncated file is refused at once).
  static func verifySize(_ file: MappedFile, against input: InputBatchRecord) throws {
    guard input.batch.sha256 != nil, Int64(file.count) != input.batch.bytes else { return }
    throw notRegistered(file, input, found: SHA256.hex(of: UnsafeRawBufferPointer(file.bytes)))
  }

  private static func notRegistered(_ file: MappedFile, _ input: InputBatchRecord, found: String) -> StageFailure {
    let batch = input.batch
    return StageFailure(
      kind: .corruptData, stage: .reduce,
      message:
        "\(batch.archivePath) is not the file registered as input \(input.id): \(file.count) bytes with SHA-256 \(found), registered \(batch.bytes) bytes with SHA-256 \(batch.sha256 ?? "none"); restore the original from its producer"
    )
  }

  private func writePartition(_ buffers: [StatelessPartitionBuffer], job: UInt64, partition: Int, run: String?)
    throws -> Int
  {
    let writer = try PartFileWriter(
      partsDirectory: context.paths.parts, name: PartNames.stateless(job: job, partition: partition, run: run),
      storeID: context.storeID)
    do {
      let keys = try StatelessPartitionBuffer.forEachGroup(in: buffers) { writePayload in
        _ = try writer.appendRecord(type: .statelessGroup, writePayload)
      }
      try writer.finish()
      return keys
    } catch {
      writer.abandon()
      throw error
    }
  }
}
