/// One stateful batch ("job") as the console shows it: inputs, per-stage state, counts, timings.
public struct JobRow: Sendable, Equatable {
  /// Overall state of a job.
  public enum State: String, Sendable, Equatable {
    case pending, running, done, retrying, failed
  }

  /// Sequence number of the stateful batch.
  public var seq: UInt64
  /// Input batch files, as `source/name`.
  public var inputs: [String]
  /// One cell per stage, in `PipelineStage` order (missing cells show as pending).
  public var stages: [StageCell]
  /// Events that passed the line rules.
  public var events: Int
  /// Lines applied (new event ids); the others of `events` were duplicates or rejected when
  /// processed.
  public var applied = 0
  /// Distinct order ids touched.
  public var keys: Int
  /// Lines rejected.
  public var rejects: Int
  /// Events ignored as duplicates.
  public var duplicates: Int
  /// Time each stage spent working, in `PipelineStage` order (`nil` = not run yet).
  public var timings: [Duration?]
  /// Time each stage spent waiting between attempts (backoff, an operator), when any.
  public var waits: [Duration?] = []
  /// Attempts made so far (all stages).
  public var attempts: Int
  /// The last error, if any.
  public var lastError: String?
  /// Overall state.
  public var state: State
  /// After reduce, where each partition is (empty before reduce and once the batch is done).
  public var partitions: [PartitionCell] = []
  /// While the batch reduces as several input ranges (on a fleet's store, a big input's
  /// segments), how each range stands, by range number; empty for a batch reduced as one range
  /// and once its reduce is done.
  public var ranges: [StageCell] = []

  /// One partition of a batch: the stage it is in and how it stands there.
  public struct PartitionCell: Sendable, Equatable {
    public var partition: Int
    public var stage: PipelineStage
    public var cell: StageCell

    public init(partition: Int, stage: PipelineStage, cell: StageCell) {
      self.partition = partition
      self.stage = stage
      self.cell = cell
    }
  }

  /// Creates a job row.
  public init(
    seq: UInt64, inputs: [String], stages: [StageCell], events: Int = 0, keys: Int = 0,
    rejects: Int = 0, duplicates: Int = 0, timings: [Duration?] = [], waits: [Duration?] = [], attempts: Int = 0,
    lastError: String? = nil, state: State
  ) {
    self.seq = seq
    self.inputs = inputs
    self.stages = stages
    self.events = events
    self.keys = keys
    self.rejects = rejects
    self.duplicates = duplicates
    self.timings = timings
    self.waits = waits
    self.attempts = attempts
    self.lastError = lastError
    self.state = state
  }

  /// The cell of `stage` (pending when the backend sent fewer cells).
  public func cell(_ stage: PipelineStage) -> StageCell {
    stage.rawValue < stages.count ? stages[stage.rawValue] : .pending
  }

  /// The time spent in `stage`, if known.
  public func timing(_ stage: PipelineStage) -> Duration? {
    stage.rawValue < timings.count ? timings[stage.rawValue] : nil
  }

  /// Time `stage` spent waiting between attempts, if any.
  public func wait(_ stage: PipelineStage) -> Duration? {
    stage.rawValue < waits.count ? waits[stage.rawValue] : nil
  }
}
