import LedgerStorage

/// How the engine runs.
public struct EngineOptions: Sendable {
  /// Run the stages as an assembly line (one worker per stage) instead of one after another.
  public var pipelined: Bool = true
  public var backlog: BacklogPolicy = BacklogPolicy()
  /// Retry policy per failure kind.
  public var retryPolicy: @Sendable (FailureKind) -> RetryPolicy = { RetryPolicy.forKind($0) }
  /// How long an idle engine waits between inbox scans (milliseconds).
  public var pollMillis: Int64 = 200
  /// Run a compaction pass after every this many indexed jobs (0: never automatically).
  public var compactEvery: UInt64 = 16
  /// Test hook: called before a stage runs (e.g. to pause the indexer). Not for production.
  public var beforeStage: (@Sendable (Stage, UInt64) -> Void)? = nil

  public init() {}
}
