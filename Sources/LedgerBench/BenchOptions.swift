import LedgerWorkload

/// Sizes and switches of one benchmark run. `init(scale:)` gives the preset of each scale;
/// every figure can then be overridden (`ledgerline bench` flags).
public struct BenchOptions: Sendable, Equatable {
  /// The preset the sizes came from.
  public var scale: BenchScale
  /// Seed of every generated workload: the same seed gives the same events.
  public var seed: UInt64
  /// Scratch directory; each scenario makes its own data directory under it.
  public var workDirectory: String
  /// Scenario 1: events applied both ways (batch vs transactional).
  public var transactionalEvents: Int
  /// Scenario 2: artifacts in the large state (the small state has a tenth of them).
  public var stateArtifacts: Int
  /// Scenario 2: events of the end-to-end batch (two per touched key).
  public var batchEvents: Int
  /// Scenario 2: events of the job timed through the stateless reducer alone.
  public var reduceEvents: Int
  /// Scenario 4: random keys looked up (cold, then warm).
  public var lookups: Int
  /// Scenario 5: lines the bulk order grows to.
  public var hotKeyLines: Int
  /// Scenario 5: batches those lines arrive in.
  public var hotKeyBatches: Int
  /// Scenario 6: corrections timed on the idle and on the loaded line.
  public var corrections: Int
  /// Scenario 7: events of the state, applied from one input file; also how many order ids both
  /// files draw from.
  public var bigFileState: Int
  /// Scenario 7: events of the one big input file applied against that state.
  public var bigFileEvents: Int
  /// Scenario 7: Zipf exponent of order popularity in both files. With the generator's default
  /// (1.1) the state holds under a fifth of the order ids; 0.5 gives about 56% for the state and
  /// 78% for the big file (100,000 ids), nearer issue 10's 2M events over ~1M keys against ~1M
  /// artifacts.
  public var bigFileZipf = 0.5
  /// Scenario 7: `duckdb_peer.py`; nil looks for `../shared/peers/duckdb_peer.py` next to the
  /// working directory and the package.
  public var duckDBPeer: String?
  /// Scenario 8: the PostgreSQL server to compare with SQLite
  /// (`postgres://USER@HOST:PORT/DATABASE`; the scenario uses a scratch schema of its own, dropped
  /// afterwards); nil skips scenarios 8 and 9.
  public var postgres: String?
  /// Scenarios to run (1…9).
  public var scenarios: Set<Int>
  /// Scenarios 2-3: time a compaction pass after the end-to-end batch (it reads every artifact).
  public var measureCompaction = true

  /// The preset for `scale`, working under `workDirectory`.
  public init(scale: BenchScale, workDirectory: String, seed: UInt64 = 1) {
    self.scale = scale
    self.seed = seed
    self.workDirectory = workDirectory
    scenarios = Set(1...9)
    switch scale {
    case .small:
      (transactionalEvents, stateArtifacts, batchEvents, reduceEvents) = (1_500, 20_000, 4_000, 20_000)
      (lookups, hotKeyLines, hotKeyBatches, corrections) = (2_000, 20_000, 10, 3)
      (bigFileState, bigFileEvents) = (20_000, 40_000)
    case .medium:
      (transactionalEvents, stateArtifacts, batchEvents, reduceEvents) = (20_000, 1_000_000, 200_000, 1_000_000)
      (lookups, hotKeyLines, hotKeyBatches, corrections) = (100_000, 200_000, 20, 5)
      (bigFileState, bigFileEvents) = (200_000, 400_000)
    case .full:
      (transactionalEvents, stateArtifacts, batchEvents, reduceEvents) = (50_000, 10_000_000, 2_000_000, 2_000_000)
      (lookups, hotKeyLines, hotKeyBatches, corrections) = (100_000, 1_000_000, 50, 5)
      (bigFileState, bigFileEvents) = (1_000_000, 2_000_000)
    }
  }

  /// Keys the end-to-end batch touches: half its events (two events per key).
  public var batchKeys: Int { max(1, batchEvents / 2) }

  /// The first option that cannot run, or nil.
  public func problem() -> BenchError? {
    let checks: [(String, Int, Bool)] = [
      ("transactional-events", transactionalEvents, transactionalEvents >= 100),
      ("state", stateArtifacts, stateArtifacts >= 10 && stateArtifacts % 10 == 0),
      ("batch-events", batchEvents, batchEvents >= 2 && batchKeys <= stateArtifacts / 10),
      ("reduce-events", reduceEvents, reduceEvents >= 1),
      ("lookups", lookups, lookups >= 1),
      ("hot-lines", hotKeyLines, hotKeyLines >= hotKeyBatches),
      ("hot-batches", hotKeyBatches, hotKeyBatches >= 2),
      ("corrections", corrections, corrections >= 1),
      ("big-file-state", bigFileState, (1...GeneratorOptions.maxOrderCount).contains(bigFileState)),
      ("big-file-events", bigFileEvents, (1...GeneratorOptions.maxCount).contains(bigFileEvents)),
    ]
    for (name, value, ok) in checks where !ok {
      return .invalidOption(name: name, value: String(value), expected: Self.expectations[name] ?? "")
    }
    guard bigFileZipf > 0, bigFileZipf <= 10 else {
      return .invalidOption(name: "big-file-zipf", value: String(bigFileZipf), expected: "a number in (0, 10]")
    }
    return nil
  }

  static let expectations = [
    "transactional-events": "at least 100",
    "state": "a multiple of 10, at least 10",
    "batch-events": "at least 2, touching no more keys (events / 2) than a tenth of --state",
    "reduce-events": "at least 1",
    "lookups": "at least 1",
    "hot-lines": "at least --hot-batches",
    "hot-batches": "at least 2 (first vs last batch)",
    "corrections": "at least 1",
    "big-file-state": "from 1 to \(GeneratorOptions.maxOrderCount)",
    "big-file-events": "from 1 to \(GeneratorOptions.maxCount)",
  ]
}
