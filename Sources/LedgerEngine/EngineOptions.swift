import LedgerStorage
import Logging

/// How the engine runs.
public struct EngineOptions: Sendable {
  /// Run tasks side by side (several workers) instead of one after another (one worker).
  public var pipelined: Bool = true
  /// Workers when pipelined; `nil`: one per core, at least two.
  public var workers: Int? = nil
  /// A JSON Lines input larger than this is decoded in line-aligned ranges, in parallel.
  public var decodeRangeBytes = 8 << 20
  /// A JSON Lines file larger than this is registered as line-aligned segments of about this
  /// size, each fingerprinted on its own (``InputSegment``) and reduced as a range task of its
  /// own, which any process of a fleet may claim (``ReducePlan``). nil, the default: every file
  /// as one piece, and a job as one reduce task that decodes its inputs on every core of its
  /// process. Range parts add a merge to prefetch and process that cost more than sharing reduce
  /// gained on the hosts measured (BENCHMARKS.md, stop 21); a fleet whose reduce dominates
  /// (processes on hosts of their own, big files) may set it (`run --segment-bytes`).
  public var segmentBytes: Int? = nil
  /// Test hook: when set, a worker picks at random (seeded) among the tasks that may start,
  /// instead of the most urgent one, so tests explore other interleavings.
  public var taskOrderSeed: UInt64? = nil
  public var backlog: BacklogPolicy = BacklogPolicy()
  /// Retry policy per failure kind.
  public var retryPolicy: @Sendable (FailureKind) -> RetryPolicy = { RetryPolicy.forKind($0) }
  /// How often a running engine tells the store's process registry it is alive (milliseconds).
  public var heartbeatMillis: Int64 = 2_000
  /// How long a registered process stays alive without a heartbeat (milliseconds): several
  /// missed beats, so a busy host is not taken for a dead one.
  public var leaseMillis: Int64 = 15_000
  /// How long an idle engine waits between inbox scans (milliseconds).
  public var pollMillis: Int64 = 200
  /// Run a compaction pass after every this many indexed jobs (0: never automatically).
  public var compactEvery: UInt64 = 16
  /// Automatic passes run only once part files hold this many bytes, and only when some part's
  /// recorded garbage makes a pass pay.
  public var compactionMinimumBytes: Int64 = 16 << 20
  /// Where the engine logs its operator-feed events (also kept in the ledger) and stage
  /// timings. Silent unless the executable gives it a handler (`run --log-level`).
  public var logger = Logger(label: "ledgerline.engine", factory: { _ in SwiftLogNoOpLogHandler() })
  /// Test hook: called before a task runs (e.g. to pause an indexer). Not for production.
  public var beforeTask: (@Sendable (TaskRef) -> Void)? = nil

  public init() {}
}
