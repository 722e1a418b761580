import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Paths of a data directory the engine uses (all absolute or relative to the working dir).
public struct EnginePaths: Sendable {
  public var root: String
  public var inbox: String { "\(root)/inbox" }
  public var archive: String { "\(root)/archive" }
  public var refused: String { "\(root)/refused" }
  public var parts: String { "\(root)/parts" }
  public var rejects: String { "\(root)/rejects" }
  public var indexDatabase: String { "\(root)/index.sqlite" }
  public var ledgerDatabase: String { "\(root)/ledger.sqlite" }
  public var auditLog: String { "\(root)/audit.log" }

  public init(root: String) {
    self.root = root
  }
}

/// Everything the stages share: storage ports, the clock, configuration.
public struct EngineContext: Sendable {
  public var paths: EnginePaths
  public var ledger: any WorkflowLedger
  public var keyIndex: any KeyIndex
  public var reader: PartFileReader
  public var cache: ArtifactCache
  public var clock: any WallClock
  public var faults: FaultInjector
  /// Partitions per job: after reduce, each is a task of its own through prefetch, process and
  /// index, with one part file per stage output. Recorded per job in the ledger.
  public var partitions: Int
  /// The partition count of a store (the only one used so far).
  public static let defaultPartitions = 4
  /// Currency for CSV lines without one (SPEC §2).
  public var defaultCurrency: Currency
  /// The ``ProcessRecord/sessionName`` of every engine connected to the store now (a fleet's
  /// store in PostgreSQL: the sessions holding its engine lock); nil where the store cannot tell.
  /// A registered process without a session is gone (killed: its host closed the connection),
  /// whatever its last heartbeat says.
  public var engineSessions: (@Sendable () throws -> Set<String>)? = nil
  /// Ends the store sessions named so (an engine presumed gone), where the store can.
  public var endSessions: (@Sendable (String) throws -> Void)? = nil

  public init(
    paths: EnginePaths, ledger: any WorkflowLedger, keyIndex: any KeyIndex, reader: PartFileReader,
    cache: ArtifactCache, clock: any WallClock = SystemClock(), faults: FaultInjector = .none,
    partitions: Int = EngineContext.defaultPartitions, defaultCurrency: Currency = .usd
  ) {
    self.paths = paths
    self.ledger = ledger
    self.keyIndex = keyIndex
    self.reader = reader
    self.cache = cache
    self.clock = clock
    self.faults = faults
    self.partitions = partitions
    self.defaultCurrency = defaultCurrency
  }
}

extension EngineContext {
  /// The store's id, stamped into every part this engine writes and checked in every part it
  /// opens (nil for a store opened without one: a test harness, a benchmark's loader).
  public var storeID: String? { reader.storeID }

  /// Deletes a part file no reader may need (an unpublished output of a failed attempt) and
  /// forgets its cached descriptor and summaries.
  func discardPart(_ name: String) throws {
    forgetPart(name)
    try FileSystem.remove("\(paths.parts)/\(name)")
  }

  /// Drops what this process holds open or cached of part `name` (about to be replaced).
  func forgetPart(_ name: String) {
    reader.evict(part: name)
    cache.invalidate(part: name)
  }
}
