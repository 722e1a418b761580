import LedgerStorage
import Logging

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
  /// Automatic passes run only once part files have grown to this factor of what the last pass
  /// left (and past `compactionMinimumBytes`): a pass reads every summary, so spacing passes by
  /// growth keeps compaction's cost proportional to what was written, not to the state.
  public var compactionGrowth: Double = 1.5
  public var compactionMinimumBytes: Int64 = 16 << 20
  /// Where the engine logs its operator-feed events (also kept in the ledger) and stage
  /// timings. Silent unless the executable gives it a handler (`run --log-level`).
  public var logger = Logger(label: "ledgerline.engine", factory: { _ in SwiftLogNoOpLogHandler() })
  /// Test hook: called before a stage runs (e.g. to pause the indexer). Not for production.
  public var beforeStage: (@Sendable (Stage, UInt64) -> Void)? = nil

  public init() {}
}
