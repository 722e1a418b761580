import Foundation
import LedgerDomain
import LedgerEngine
import LedgerPostgres
import LedgerSQLite
import LedgerStorage
import LedgerSystem

/// `ledgerline rebuild`: re-creates the workflow ledger, the key index and the part files of a
/// data directory from `archive/` — the evidence — and its registration journal.
///
/// Nothing is deleted: the old databases, marker, parts and rejects move into
/// `rebuild-<time>/` first. The archived batches are registered again in their original order
/// (the journal's; archived files the journal does not list — registered before it existed —
/// follow in the SPEC's scan order: `from`, then source, then name) after their fingerprints are
/// checked, grouped into the journal's jobs (inputs set aside stay aside), and the engine applies
/// them. The artifacts are the original run's: the same lines in the same order, the same
/// balances, statuses and versions; only locations (which part file, which offset) are new.
public struct StoreRebuilder: Sendable {
  /// What a rebuild did.
  public struct Report: Sendable, Equatable {
    /// Where the previous pieces were moved (and, for PostgreSQL, the schema's new name).
    public var backup: String
    /// Input batches registered again.
    public var batches: Int
    /// Of those, archived files the journal did not list (appended in scan order).
    public var unjournaled: Int
    /// Jobs the engine ran.
    public var jobsDone: Int
    /// Jobs that failed and wait for an operator.
    public var failed: [UInt64]
    /// The store id (kept from the old marker when there was one).
    public var storeID: String
  }

  let root: String
  let backend: StoreBackend
  let clock: any WallClock

  /// A rebuilder of the data directory `root`, whose ledger and index live in `backend`.
  public init(root: String, backend: StoreBackend = .sqlite, clock: any WallClock = SystemClock()) {
    self.root = root
    self.backend = backend
    self.clock = clock
  }

  /// Rebuilds the store; throws before moving anything when an archived file is missing or does
  /// not match its fingerprint, or when an engine holds the directory.
  public func run() throws -> Report {
    let directory = DataDirectory(root: root)
    try directory.create()
    let lock = try directory.acquireEngineLock()
    var storeLock: PostgresEngineLock?
    if case .postgres(let location) = backend { storeLock = try PostgresEngineLock(location: location) }
    let batches = try plannedBatches(directory)
    let storeID = (try? StoreIdentity.readMarker(directory))?.storeID ?? UUID().uuidString.lowercased()
    var backup = try moveAside(directory)
    try directory.create()
    do {
      let ledger: any WorkflowLedger
      let index: any KeyIndex
      switch backend {
      case .sqlite:
        ledger = try SQLiteWorkflowLedger(path: directory.ledgerDatabase)
        index = try RunKeyIndex(path: directory.indexDatabase)
      case .postgres(let location):
        let stamp = BatchInstant(secondsSinceEpoch: clock.nowMillis() / 1000).basic.lowercased()
        if let aside = try PostgresSchemas.moveAside(location, stamp: stamp) {
          backup += " and schema \(aside)"
        }
        ledger = try PostgresWorkflowLedger(location: location)
        index = try PostgresKeyIndex(location: location)
      }
      _ = try StoreIdentity.settle(
        .create, directory: directory, backend: backend.identity, ledger: ledger, index: index,
        ledgerHasBatches: { false }, mayWrite: true, newID: { storeID })
      var ids: [String: Int64] = [:]
      for (n, batch) in batches.batches.enumerated() {
        var again = batch
        again.scan = Int64(n + 1)  // one scan each: ledger ids follow the original order
        let record = try ledger.register([again], at: clock.nowMillis())
        if let id = record.first?.id { ids["\(batch.source)/\(batch.name)"] = id }
      }
      // The original jobs, in order, so versions come out the same; then the inputs that were
      // set aside stay aside.
      for seq in batches.replay.jobs.keys.sorted() {
        let inputs = (batches.replay.jobs[seq] ?? []).filter { !batches.replay.quarantined.contains($0) }
        _ = try ledger.createJob(
          inputs: inputs.compactMap { ids[$0] }, partitions: EngineContext.defaultPartitions, at: clock.nowMillis())
      }
      for input in batches.replay.quarantined.sorted() {
        if let id = ids[input] { _ = try ledger.holdBack(input: id, at: clock.nowMillis()) }
      }
    }
    let workspace = try Workspace(
      root: root, mode: .engine, backend: backend, clock: clock, holding: lock, holdingStore: storeLock)
    let idle = try Engine(context: workspace.context).runUntilIdle()
    workspace.settle()  // merges due finish, and the SQLite files hold the whole store
    return Report(
      backup: backup, batches: batches.batches.count, unjournaled: batches.unjournaled,
      jobsDone: idle.jobsDone, failed: idle.failed.map(\.seq), storeID: storeID)
  }

  /// The batches to register, in order, each checked against its fingerprint.
  func plannedBatches(_ directory: DataDirectory) throws
    -> (batches: [NewInputBatch], unjournaled: Int, replay: RegistrationJournal.Replay)
  {
    let replay = try RegistrationJournal(archive: directory.archive).replay()
    let journal = replay.registrations
    var batches = journal.map(\.batch)
    var listed = Set(journal.map { $0.source + "/" + $0.name })
    var extra: [NewInputBatch] = []
    for source in try FileSystem.listIfPresent(directory.archive) {
      let folder = directory.archive + "/" + source
      guard FileSystem.isDirectory(folder) else { continue }
      for name in try FileSystem.list(folder) where !name.hasPrefix(".") {
        guard listed.insert(source + "/" + name).inserted else { continue }
        guard case .success(let parsed) = BatchFileName.parse(name) else { continue }
        let read = try Self.fingerprint(folder + "/" + name)
        extra.append(
          NewInputBatch(
            source: source, name: name, from: parsed.from.secondsSinceEpoch, to: parsed.to.secondsSinceEpoch,
            bytes: read.bytes, archivePath: "archive/\(source)/\(name)", scan: 0, sha256: read.sha256))
      }
    }
    extra.sort { a, b in
      if a.from != b.from { return a.from < b.from }
      if a.source != b.source { return a.source < b.source }
      return a.name < b.name
    }
    batches += extra
    for batch in batches.prefix(journal.count) {
      try verify(batch, directory: directory)
    }
    return (batches, extra.count, replay)
  }

  private func verify(_ batch: NewInputBatch, directory: DataDirectory) throws {
    let path = directory.root + "/" + batch.archivePath
    guard FileSystem.exists(path) else { throw StoreRebuildError.missingEvidence(path: path) }
    let read = try Self.fingerprint(path)
    if read.bytes != batch.bytes || (batch.sha256 != nil && read.sha256 != batch.sha256) {
      throw StoreRebuildError.changedEvidence(
        path: path, bytes: read.bytes, sha256: read.sha256, recordedBytes: batch.bytes,
        recordedSHA256: batch.sha256)
    }
  }

  /// Size and SHA-256 of an archived file, read in chunks as the inbox scan reads it.
  private static func fingerprint(_ path: String) throws -> InboxScanner.Fingerprint {
    guard let read = try InboxScanner.fingerprint(path) else { throw StoreRebuildError.changingEvidence(path: path) }
    return read
  }

  /// Moves the databases, the marker, the parts and the rejects into `rebuild-<time>/`.
  private func moveAside(_ directory: DataDirectory) throws -> String {
    let stamp = BatchInstant(secondsSinceEpoch: clock.nowMillis() / 1000).basic
    var backup = directory.root + "/rebuild-" + stamp
    var n = 1
    while FileSystem.exists(backup) {
      backup = directory.root + "/rebuild-\(stamp)-\(n)"
      n += 1
    }
    try FileSystem.makeDirectories(backup)
    let names = [
      "ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm", "index.sqlite", "index.sqlite-wal",
      "index.sqlite-shm", RunKeyIndex.directoryName, StoreIdentity.markerName, "parts", "rejects",
    ]
    for name in names where FileSystem.exists(directory.root + "/" + name) {
      try FileSystem.rename(directory.root + "/" + name, to: backup + "/" + name)
    }
    try FileSystem.syncDirectory(directory.root)
    return backup
  }
}

/// Why a rebuild did not start.
public enum StoreRebuildError: Error, Sendable, Equatable, CustomStringConvertible {
  case missingEvidence(path: String)
  case changedEvidence(path: String, bytes: Int64, sha256: String, recordedBytes: Int64, recordedSHA256: String?)
  case changingEvidence(path: String)

  public var description: String {
    switch self {
    case .missingEvidence(let path):
      "\(path) is listed in the registration journal but missing; nothing was changed — restore it "
        + "from its producer or a backup, then rebuild"
    case .changingEvidence(let path):
      "\(path) changed while it was read; nothing was changed — stop whatever writes into archive/, then rebuild"
    case .changedEvidence(let path, let bytes, let sha256, let recordedBytes, let recordedSHA256):
      "\(path) is not the file registered (\(bytes) bytes, SHA-256 \(sha256); registered \(recordedBytes) "
        + "bytes, SHA-256 \(recordedSHA256 ?? "not recorded")); nothing was changed — restore the "
        + "original, then rebuild"
    }
  }
}
