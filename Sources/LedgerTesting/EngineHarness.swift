import Foundation
import LedgerDomain
import LedgerEngine
import LedgerOperations
import LedgerStorage

/// A throwaway data directory with an engine wired to a manual clock, over the SQLite files a
/// real engine opens (the default) or over the in-memory doubles of the storage ports.
public final class EngineHarness {
  /// Which implementations of the storage ports (`WorkflowLedger`, `KeyIndex`) the engine uses.
  public enum Storage: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `ledger.sqlite` and `index.sqlite` in the data directory, opened by a `Workspace` in
    /// `.engine` mode (which takes the engine lock), as `ledgerline run` opens them.
    case sqlite
    /// An `InMemoryWorkflowLedger` and an `InMemoryKeyIndex` that live as long as the harness:
    /// they survive `close()` and a change of faults, as the files do. No engine lock is taken.
    case inMemory
    /// A fresh schema on the server of `LEDGERLINE_TEST_POSTGRES` (``PostgresTestServer``), opened
    /// by a `Workspace` in `.engine` mode with `--postgres`'s wiring; dropped with the harness.
    case postgres

    /// The backend's name in test output.
    public var description: String { rawValue }

    /// The storages an engine test runs on: PostgreSQL when a server is configured (or in CI,
    /// where a missing server fails); otherwise its skip is printed (``PostgresTestServer``).
    public static let available: [Storage] = [.sqlite, .inMemory] + (PostgresTestServer.casesRun ? [.postgres] : [])
  }

  /// The data directory (inbox, archive, parts, rejects, …; the SQLite files when `.sqlite`).
  public let root: String
  /// The engine's clock; retries jump it to their deadline.
  public let clock = ManualClock()
  /// The storage the engine runs on.
  public let storage: Storage
  /// The workspace of the `.sqlite` storage while it is open (always nil for `.inMemory`).
  public private(set) var workspace: Workspace?
  /// The in-memory ports of the `.inMemory` storage.
  private let doubles: (ledger: InMemoryWorkflowLedger, keyIndex: InMemoryKeyIndex)?
  /// Where the ledger and the index live for `.sqlite` and `.postgres`.
  public let backend: StoreBackend
  /// The context over `doubles` while it is open.
  private var inMemoryContext: EngineContext?

  /// A fresh, empty data directory under the temp dir, on `storage`; with `fleet`, an in-memory
  /// ledger admits several engines and the index concurrent publishes, as PostgreSQL does
  /// (``memberContext(clock:)``).
  public init(storage: Storage = .sqlite, fleet: Bool = false) throws {
    root = FileManager.default.temporaryDirectory.path + "/ledgerline-engine-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    self.storage = storage
    ownsRoot = true
    doubles =
      storage == .inMemory
      ? (InMemoryWorkflowLedger(admitsSeveralEngines: fleet), InMemoryKeyIndex(admitsConcurrentPublishes: fleet))
      : nil
    backend = try Self.backend(for: storage)
  }

  /// A harness over the data directory `root`, which outlives it (the caller removes it).
  public init(root: String, storage: Storage = .sqlite) throws {
    self.root = root
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    self.storage = storage
    ownsRoot = false
    doubles = storage == .inMemory ? (InMemoryWorkflowLedger(), InMemoryKeyIndex()) : nil
    backend = try Self.backend(for: storage)
  }

  /// A fresh schema for `.postgres`, SQLite files otherwise.
  private static func backend(for storage: Storage) throws -> StoreBackend {
    guard storage == .postgres else { return .sqlite }
    return .postgres(try PostgresTestServer.location(schema: PostgresTestServer.freshSchemaName()))
  }

  /// Whether `deinit` removes the data directory.
  private let ownsRoot: Bool
  /// Workspaces of the fleet members opened on this store.
  private var members: [Workspace] = []

  deinit {
    members = []
    workspace = nil
    if case .postgres(let location) = backend { PostgresTestServer.drop(location) }
    if ownsRoot { try? FileManager.default.removeItem(atPath: root) }
  }

  /// The paths of the data directory.
  public var paths: EnginePaths { EnginePaths(root: root) }
  /// Partitions per job (the engine's default).
  public var partitions: Int { EngineContext.defaultPartitions }

  /// Writes an input batch file into `inbox/<source>/<name>`, one line per element.
  public func deliver(source: String, name: String, lines: [String]) throws {
    try deliver(source: source, name: name, bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
  }

  /// Writes an input batch file with exactly `bytes` into `inbox/<source>/<name>`.
  public func deliver(source: String, name: String, bytes: [UInt8]) throws {
    let dir = "\(root)/inbox/\(source)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data(bytes))
  }

  /// Opens the data directory as the engine with `faults` (once; again when the faults change):
  /// a `Workspace` taking the engine lock for `.sqlite`, the long-lived doubles for `.inMemory`.
  public func context(faults: FaultInjector = .none) throws -> EngineContext {
    if let doubles {
      if let opened = inMemoryContext, opened.faults == faults { return opened }
      try DataDirectory(root: root).create()
      let context = EngineContext(
        paths: paths, ledger: doubles.ledger, keyIndex: doubles.keyIndex,
        reader: PartFileReader(partsDirectory: paths.parts),
        cache: ArtifactCache(capacityBytes: 256 << 20), clock: clock, faults: faults)
      inMemoryContext = context
      return context
    }
    if workspace == nil || workspace?.context.faults != faults {
      workspace = nil
      workspace = try Workspace(root: root, mode: .engine, backend: backend, faults: faults, clock: clock)
    }
    guard let workspace else { throw HarnessError.noWorkspace }
    return workspace.context
  }

  /// The context of one more engine on this store, as another process of a fleet opens it: for
  /// `.postgres` a workspace of its own (its own connections, a share of the store's lock), for
  /// `.inMemory` the same doubles (a harness made with `fleet`). SQLite admits one engine.
  public func memberContext(clock: any WallClock = SystemClock()) throws -> EngineContext {
    if let doubles {
      try DataDirectory(root: root).create()
      return EngineContext(
        paths: paths, ledger: doubles.ledger, keyIndex: doubles.keyIndex,
        reader: PartFileReader(partsDirectory: paths.parts),
        cache: ArtifactCache(capacityBytes: 256 << 20), clock: clock, faults: .none)
    }
    let member = try Workspace(root: root, mode: .engine, backend: backend, clock: clock)
    members.append(member)
    return member.context
  }

  /// Runs the engine until idle and returns its report.
  @discardableResult
  public func runUntilIdle(
    pipelined: Bool = true, faults: FaultInjector = .none, maxInputsPerJob: Int = 32,
    compactEvery: UInt64 = 0, taskOrderSeed: UInt64? = nil, beforeTask: (@Sendable (TaskRef) -> Void)? = nil,
    segmentBytes: Int? = nil
  ) throws -> IdleReport {
    var options = EngineOptions()
    options.segmentBytes = segmentBytes
    options.pipelined = pipelined
    options.backlog = BacklogPolicy(maxInputs: maxInputsPerJob)
    options.beforeTask = beforeTask
    options.taskOrderSeed = taskOrderSeed
    options.pollMillis = 0
    options.compactEvery = compactEvery
    return try Engine(context: try context(faults: faults), options: options).runUntilIdle()
  }

  /// An engine on this directory (for direct calls such as compaction).
  public func engine() throws -> Engine {
    var options = EngineOptions()
    options.compactEvery = 0
    return Engine(context: try context(), options: options)
  }

  /// Every current artifact with its lines, by order id.
  public func artifacts() throws -> [String: ArtifactView] {
    var out: [String: ArtifactView] = [:]
    try ArtifactQuery(context: try context()).forEach(withLines: true) { out[$0.summary.orderID] = $0 }
    return out
  }

  /// Closes the engine's context: releases the engine lock (so another workspace can open the
  /// directory); the in-memory doubles keep their state for the next `context()`.
  public func close() {
    workspace = nil
    inMemoryContext = nil
  }
}

/// The harness could not open its workspace.
public enum HarnessError: Error { case noWorkspace }

/// One JSON event line.
public func eventLine(
  id: String, order: String, kind: String = "charge", amount: String, currency: String = "USD",
  ts: String = "2026-11-27T10:00:00Z", extra: String = ""
) -> String {
  #"{"id":"\#(id)","order_id":"\#(order)","kind":"\#(kind)","amount":"\#(amount)","currency":"\#(currency)","ts":"\#(ts)"\#(extra)}"#
}
