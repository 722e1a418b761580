import Foundation
import LedgerDomain
import LedgerEngine
import LedgerPostgres
import LedgerSQLite
import LedgerStorage
import LedgerSystem

/// Where a store's workflow ledger and key index live: SQLite files in the data directory (the
/// embedded default) or a schema in PostgreSQL (`--postgres URL`). Inbox, archive, rejects and
/// part files always stay in the data directory.
public enum StoreBackend: Sendable, Equatable, CustomStringConvertible {
  case sqlite
  case postgres(PostgresLocation)

  /// The environment variable that names the PostgreSQL store when `--postgres` is not given.
  public static let environmentVariable = "LEDGERLINE_POSTGRES"

  /// The backend a command asked for: `--postgres URL` if given, else `LEDGERLINE_POSTGRES` if
  /// set and not empty, else the embedded SQLite store.
  public static func chosen(
    flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> StoreBackend {
    let url = flag ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    guard let url else { return .sqlite }
    return .postgres(try PostgresLocation(url: url))
  }

  /// How the store marker names it.
  var identity: StoreIdentity.Backend {
    switch self {
    case .sqlite: .sqlite
    case .postgres(let location): .postgres(place: location.description)
    }
  }

  /// The same server and database with the schema `name` (SQLite stays SQLite).
  public func withSchema(_ name: String) throws -> StoreBackend {
    guard case .postgres(let location) = self else { return self }
    return .postgres(try location.with(schema: name))
  }

  /// Drops the PostgreSQL schema and everything in it (a benchmark's scratch store); nothing for
  /// SQLite, whose files go with their directory.
  public func dropScratchSchema() throws {
    guard case .postgres(let location) = self else { return }
    try PostgresSchemas.drop(location)
  }

  public var description: String {
    switch self {
    case .sqlite: "SQLite (in the data directory)"
    case .postgres(let location): "\(location)"
    }
  }
}

/// An opened data directory: the storage ports wired into an `EngineContext`.
///
/// `.engine` creates the directory (0700) and takes the engine lock (SQLite: the directory's, one
/// engine at a time; PostgreSQL: the store's, shared by the engines of a fleet); `.reader` opens
/// an existing directory read-only alongside running engines and never takes a lock.
public final class Workspace: Sendable {
  /// How a command uses the data directory.
  public enum Mode: Sendable {
    case engine
    case reader
    /// Writes the ledger (e.g. `retry`) without taking the engine lock.
    case operatorAction
  }

  public let context: EngineContext
  let lock: EngineLock?
  /// The engine's claim on a PostgreSQL store (across hosts, which `lock` is not).
  let storeLock: PostgresEngineLock?
  /// Where the ledger and the index live.
  public let backend: StoreBackend

  /// The store's id (SPEC §5); `nil` only for a store from before identities, opened read-only.
  public let storeID: String?

  /// Opens `root` for `mode`, its ledger and index in `backend`, checking that the store is
  /// whole: its marker, ledger and index carry one store id. The engine creates a new store in an
  /// empty directory and adopts an id for a store from before identities; nothing else ever
  /// writes an identity.
  ///
  /// `keyIndex` chooses how an embedded (SQLite) store keeps its key index: sorted runs (the
  /// engine's) or one B-tree updated in place (the per-event baseline of `ledgerline bench`).
  public convenience init(
    root: String, mode: Mode, backend: StoreBackend = .sqlite, faults: FaultInjector = .none,
    clock: any WallClock = SystemClock(), keyIndex layout: EmbeddedIndexLayout = .runs
  ) throws {
    try self.init(
      root: root, mode: mode, backend: backend, faults: faults, clock: clock, holding: nil, holdingStore: nil,
      keyIndex: layout)
  }

  /// How an embedded store keeps its key index.
  public enum EmbeddedIndexLayout: Sendable {
    /// Immutable sorted runs, one per publish, merged in the background (``RunKeyIndex``).
    case runs
    /// One SQLite B-tree, updated in place (``SQLiteKeyIndex``).
    case btree
  }

  /// Opens `root` as ``init(root:mode:backend:faults:clock:)`` does; in `.engine` mode with
  /// `held` (and `heldStore` for PostgreSQL), the engine locks the caller already holds (a
  /// rebuild) instead of taking them.
  init(
    root: String, mode: Mode, backend: StoreBackend = .sqlite, faults: FaultInjector = .none,
    clock: any WallClock = SystemClock(), holding held: EngineLock?, holdingStore heldStore: PostgresEngineLock?,
    keyIndex layout: EmbeddedIndexLayout = .runs
  ) throws {
    let directory = DataDirectory(root: root)
    let paths = EnginePaths(root: root)
    self.backend = backend
    switch mode {
    case .engine:
      try directory.create()
      // A PostgreSQL store admits a fleet: its engines share the store's lock in PostgreSQL
      // (below), which holds across hosts; the directory's own lock would refuse the second.
      lock = try held ?? (backend == .sqlite ? directory.acquireEngineLock() : nil)
    case .reader, .operatorAction:
      guard
        FileSystem.exists(paths.ledgerDatabase) || FileSystem.exists(paths.indexDatabase)
          || FileSystem.exists(directory.root + "/" + StoreIdentity.markerName)
      else {
        throw WorkspaceError.noDataDirectory(root)
      }
      lock = nil
    }
    // Decided before any database is opened: a read-write open would create a missing file.
    let plan = try StoreIdentity.plan(directory, backend: backend.identity)
    let ledger: any WorkflowLedger
    let index: any KeyIndex
    switch backend {
    case .sqlite:
      storeLock = nil
      let dbMode: SQLiteDatabase.Mode = mode == .reader ? .readOnly : .readWrite
      ledger = try SQLiteWorkflowLedger(path: paths.ledgerDatabase, mode: dbMode)
      switch (layout, mode == .reader) {
      case (.runs, true): index = try RunKeyIndex(readOnlyPath: paths.indexDatabase)
      case (.runs, false): index = try RunKeyIndex(path: paths.indexDatabase)
      case (.btree, true): index = try SQLiteKeyIndex(readOnlyPath: paths.indexDatabase)
      case (.btree, false): index = try SQLiteKeyIndex(path: paths.indexDatabase)
      }
    case .postgres(let location):
      storeLock = mode == .engine ? try heldStore ?? PostgresEngineLock.joining(location: location) : nil
      // An engine's connections carry its session name: a fleet ends them all if it is presumed gone.
      let name = ProcessRecord.sessionName(host: ProcessIdentity.host, pid: ProcessIdentity.pid)
      let application = mode == .engine ? name : "ledgerline"
      ledger = try PostgresWorkflowLedger(
        location: location, readOnly: mode == .reader, applicationName: application)
      index = try PostgresKeyIndex(location: location, readOnly: mode == .reader, applicationName: application)
    }
    storeID = try StoreIdentity.settle(
      plan, directory: directory, backend: backend.identity, ledger: ledger, index: index,
      ledgerHasBatches: { try !ledger.ungroupedInputBatches().isEmpty || !ledger.recentJobs(limit: 1).isEmpty },
      mayWrite: mode == .engine, newID: { UUID().uuidString.lowercased() })
    // An engine refuses a key index older than its ledger (or the other way round): it would
    // build new versions on old ones. Read commands still open the store (`verify` reports it).
    if mode == .engine, let disagreement = try IndexLedgerAgreement.check(ledger: ledger, index: index) {
      throw disagreement
    }
    // Every run the index lists must be there and whole before the engine starts: found only at
    // the first batch that reads one, a `run` with nothing to do would report a good store.
    if mode == .engine { try index.checkWhole() }
    // The first engine of a fleet held the store alone while it checked (or created) it.
    if heldStore == nil { try storeLock?.share() }
    var context = EngineContext(
      paths: paths, ledger: ledger, keyIndex: index,
      reader: PartFileReader(partsDirectory: paths.parts, storeID: storeID),
      cache: ArtifactCache(capacityBytes: 256 << 20), clock: clock, faults: faults)
    if let storeLock {
      context.engineSessions = { try storeLock.engineSessions() }
      context.endSessions = { try storeLock.endSessions(named: $0) }
    }
    self.context = context
  }
}

extension Workspace {
  /// Once its engine has stopped: folds what the ledger and the index wrote into their own files
  /// (``StoreStamped/settle()``), so a copy of the SQLite files alone is the whole store. A
  /// failure leaves the write-ahead logs as they are, which SQLite reads on the next open.
  public func settle() {
    try? context.ledger.settle()
    try? context.keyIndex.settle()
  }
}

/// Problems opening a data directory.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
  case noDataDirectory(String)

  public var description: String {
    switch self {
    case .noDataDirectory(let root):
      "no Ledgerline data directory at \(root) (no ledger.sqlite); run `ledgerline run --data \(root)` or `ledgerline demo` first, or pass --data DIR"
    }
  }
}
