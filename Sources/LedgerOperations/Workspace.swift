import Foundation
import LedgerDomain
import LedgerEngine
import LedgerSQLite
import LedgerStorage
import LedgerSystem

/// An opened data directory: the storage ports wired into an `EngineContext`.
///
/// `.engine` creates the directory (0700) and takes the engine lock; `.reader` opens an
/// existing directory read-only alongside a running engine and never takes the lock.
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

  /// The store's id (SPEC §5); `nil` only for a store from before identities, opened read-only.
  public let storeID: String?

  /// Opens `root` for `mode`, checking that the store is whole: its marker, ledger and index
  /// carry one store id. The engine creates a new store in an empty directory and adopts an id
  /// for a store from before identities; nothing else ever writes an identity.
  public convenience init(
    root: String, mode: Mode, faults: FaultInjector = .none, clock: any WallClock = SystemClock()
  ) throws {
    try self.init(root: root, mode: mode, faults: faults, clock: clock, holding: nil)
  }

  /// Opens `root` as ``init(root:mode:faults:clock:)`` does; in `.engine` mode with `held`, the
  /// engine lock the caller already holds (a rebuild) instead of taking it.
  init(
    root: String, mode: Mode, faults: FaultInjector = .none, clock: any WallClock = SystemClock(),
    holding held: EngineLock?
  ) throws {
    let directory = DataDirectory(root: root)
    let paths = EnginePaths(root: root)
    switch mode {
    case .engine:
      try directory.create()
      lock = try held ?? directory.acquireEngineLock()
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
    let plan = try StoreIdentity.plan(directory)
    let dbMode: SQLiteDatabase.Mode = mode == .reader ? .readOnly : .readWrite
    let ledger = try SQLiteWorkflowLedger(path: paths.ledgerDatabase, mode: dbMode)
    let index =
      try mode == .reader
      ? SQLiteKeyIndex(readOnlyPath: paths.indexDatabase) : SQLiteKeyIndex(path: paths.indexDatabase)
    storeID = try StoreIdentity.settle(
      plan, directory: directory, ledger: ledger, index: index,
      ledgerHasBatches: { try !ledger.ungroupedInputBatches().isEmpty || !ledger.recentJobs(limit: 1).isEmpty },
      mayWrite: mode == .engine, newID: { UUID().uuidString.lowercased() })
    context = EngineContext(
      paths: paths, ledger: ledger, keyIndex: index,
      reader: PartFileReader(partsDirectory: paths.parts),
      cache: ArtifactCache(capacityBytes: 256 << 20), clock: clock, faults: faults)
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
