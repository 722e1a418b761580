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
  /// Whether a large JSON Lines file is registered as line-aligned segments, each fingerprinted
  /// on its own (``InputSegment``) and reduced as a range task of its own.
  public var segmentation: Segmentation = .automatic
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

  /// How a large JSON Lines file is cut at registration (``EngineOptions/segmentation``).
  public enum Segmentation: Sendable, Equatable {
    /// Segments of ``EngineOptions/fleetSegmentBytes`` when the store admits several engines,
    /// else none. Range tasks let a fleet's processes share one big batch; an engine alone
    /// already decodes a big file on every core within one reduce task, and its range parts
    /// would only add a merge to prefetch and process (BENCHMARKS.md, stop 21).
    case automatic
    /// Every file as one piece: one reduce range per job.
    case never
    /// Segments of about this many bytes (a file larger than that), whatever the store.
    case bytes(Int)

    /// The segment size for a store that does or does not admit several engines; nil: none.
    public func segmentBytes(admitsSeveralEngines: Bool) -> Int? {
      switch self {
      case .automatic: admitsSeveralEngines ? EngineOptions.fleetSegmentBytes : nil
      case .never: nil
      case .bytes(let bytes): bytes
      }
    }
  }

  /// The segment size of ``Segmentation/automatic`` in a fleet.
  public static let fleetSegmentBytes = 64 << 20
}
