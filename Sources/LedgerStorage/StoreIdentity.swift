import LedgerSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One store id for the data directory's marker file, its workflow ledger and its key index
/// (SPEC §5). An engine, a reader or an operator command refuses to open a store whose pieces
/// are missing or disagree, naming what is wrong, instead of starting afresh over old evidence.
///
/// The order of creation makes a crash harmless: the ledger and the index are stamped first and
/// the marker `store.json` is written last, atomically; a store without a marker whose ledger
/// holds no input batch is still being created and is finished on the next start.
public enum StoreIdentity {
  /// The marker file's name in the data directory.
  public static let markerName = "store.json"
  /// The layout version written in the marker.
  public static let formatVersion = 1

  /// Where a store's workflow ledger and key index live.
  public enum Backend: Sendable, Equatable {
    /// `ledger.sqlite` and `index.sqlite` in the data directory (the embedded default).
    case sqlite
    /// A PostgreSQL schema, described by `place` (server, database, schema; never a password).
    case postgres(place: String)

    /// The name written in the marker (`nil` for SQLite: markers from before PostgreSQL stay
    /// as they were).
    var markerName: String? {
      switch self {
      case .sqlite: nil
      case .postgres: "postgres"
      }
    }

    /// Where the ledger is, for messages.
    func ledgerPlace(_ directory: DataDirectory) -> String {
      switch self {
      case .sqlite: directory.ledgerDatabase
      case .postgres(let place): place
      }
    }

    /// Where the index is, for messages.
    func indexPlace(_ directory: DataDirectory) -> String {
      switch self {
      case .sqlite: directory.indexDatabase
      case .postgres(let place): place
      }
    }
  }

  /// The marker file: the store id, the layout version, and where the databases live.
  public struct Marker: Codable, Sendable, Equatable {
    public var storeID: String
    public var format: Int
    /// `postgres` when the ledger and the index live in PostgreSQL; absent for SQLite.
    public var backend: String?

    /// A marker for store `storeID` in layout `format`, its databases in `backend`.
    public init(storeID: String, format: Int, backend: String? = nil) {
      self.storeID = storeID
      self.format = format
      self.backend = backend
    }

    enum CodingKeys: String, CodingKey {
      case storeID = "store_id"
      case format
      case backend
    }
  }

  /// What opening found before any database was opened.
  public enum Plan: Sendable, Equatable {
    /// Nothing exists yet: create a new store.
    case create
    /// A marker names the store; the ledger and the index must carry its id.
    case existing(Marker)
    /// Ledger and index exist without a marker: a store from before identities were kept (its
    /// pieces carry no id: adopt one), or one still being created.
    case unmarked
  }

  /// Decides how to open `directory` with its databases in `backend` from what is on disk,
  /// refusing a store that cannot be whole whatever its databases hold. Opens nothing, creates
  /// nothing.
  public static func plan(_ directory: DataDirectory, backend: Backend = .sqlite) throws -> Plan {
    let marker = try readMarker(directory)
    if let marker {
      guard marker.format <= formatVersion else {
        throw StoreIdentityError.newerFormat(path: markerPath(directory), found: marker.format)
      }
      guard marker.backend == backend.markerName else {
        throw StoreIdentityError.otherBackend(
          path: markerPath(directory), storeID: marker.storeID, recorded: marker.backend ?? "sqlite",
          asked: backend.markerName ?? "sqlite")
      }
    }
    if case .postgres = backend {
      if let marker { return .existing(marker) }
      // The databases are on a server: whether they hold anything is known once they are open.
      let evidence = try archivedFileCount(directory)
      guard evidence == 0 && !FileSystem.exists(RegistrationJournal(archive: directory.archive).path) else {
        throw StoreIdentityError.evidenceWithoutStore(root: directory.root, archivedFiles: evidence)
      }
      return .create
    }
    let ledger = FileSystem.exists(directory.ledgerDatabase)
    let index = FileSystem.exists(directory.indexDatabase)
    if let marker {
      guard ledger else {
        throw StoreIdentityError.missing(piece: .ledger, path: directory.ledgerDatabase, storeID: marker.storeID)
      }
      guard index else {
        throw StoreIdentityError.missing(piece: .index, path: directory.indexDatabase, storeID: marker.storeID)
      }
      // Checked before either is opened: opening an empty file read-write would give it new tables.
      for (piece, path) in [
        (StoreIdentityError.Piece.ledger, directory.ledgerDatabase), (.index, directory.indexDatabase),
      ]
      where try holdsNothing(sqlite: path) {
        throw StoreIdentityError.emptied(piece: piece, path: path, storeID: marker.storeID)
      }
      return .existing(marker)
    }
    if ledger && index { return .unmarked }
    // No marker and a database missing: a store still being created (a crash between opening
    // the two databases) has registered nothing, so nothing is in archive/ yet.
    let evidence = try archivedFileCount(directory)
    let journal = FileSystem.exists(RegistrationJournal(archive: directory.archive).path)
    guard evidence == 0 && !journal else {
      if ledger { throw StoreIdentityError.missing(piece: .index, path: directory.indexDatabase, storeID: nil) }
      if index { throw StoreIdentityError.missing(piece: .ledger, path: directory.ledgerDatabase, storeID: nil) }
      throw StoreIdentityError.evidenceWithoutStore(root: directory.root, archivedFiles: evidence)
    }
    return ledger || index ? .unmarked : .create
  }

  /// Whether the SQLite database at `path` holds no table at all, counting what its write-ahead
  /// log adds: its file has no schema (the schema cookie of its header, bytes 40–43, is zero, or
  /// the file is shorter than a header) and no `-wal` file with frames lies beside it. In a
  /// store that was created, that is a file replaced by an empty one, or one whose write-ahead
  /// log (where transactions stay until a checkpoint copies them into the file) was lost.
  static func holdsNothing(sqlite path: String) throws -> Bool {
    let wal = path + "-wal"
    if FileSystem.exists(wal), try FileSystem.size(of: wal) > 32 { return false }
    let fd = try FileSystem.open(path, O_RDONLY)
    defer { FileSystem.close(fd) }
    var header = [UInt8](repeating: 0, count: 44)
    let read = try header.withUnsafeMutableBytes { try FileSystem.preadFully(fd, $0, offset: 0, path: path) }
    guard read == header.count else { return true }
    return header[40..<44].allSatisfy { $0 == 0 }
  }

  /// After the databases are open: checks their ids against the plan and, when `mayWrite`,
  /// creates or adopts the identity. Returns the store id (`nil` only for an unstamped store
  /// opened read-only).
  ///
  /// A schema on a PostgreSQL server may be named by any data directory, so a new store there
  /// never adopts pieces that already carry an id: they belong to another data directory.
  public static func settle(
    _ plan: Plan, directory: DataDirectory, backend: Backend = .sqlite, ledger: any StoreStamped,
    index: any StoreStamped, ledgerHasBatches: () throws -> Bool, mayWrite: Bool, newID: () -> String
  ) throws -> String? {
    let ledgerID = try ledger.storeID()
    let indexID = try index.storeID()
    switch plan {
    case .existing(let marker):
      try expect(ledgerID, marker.storeID, piece: .ledger, path: backend.ledgerPlace(directory))
      try expect(indexID, marker.storeID, piece: .index, path: backend.indexPlace(directory))
      return marker.storeID
    case .create, .unmarked:
      if let ledgerID, let indexID, ledgerID != indexID {
        throw StoreIdentityError.foreign(
          piece: .index, path: backend.indexPlace(directory), found: indexID, expected: ledgerID)
      }
      let existing = ledgerID ?? indexID
      if case .postgres(let place) = backend {
        return try settleNewPostgresStore(
          existing: existing, place: place, directory: directory, ledger: ledger, index: index, mayWrite: mayWrite,
          newID: newID)
      }
      if existing != nil, try ledgerHasBatches() {
        // Stamped pieces with history but no marker: the marker was removed.
        throw StoreIdentityError.markerMissing(path: markerPath(directory), storeID: existing ?? "")
      }
      guard mayWrite else { return existing }
      let id = existing ?? newID()
      try ledger.stamp(storeID: id)
      try index.stamp(storeID: id)
      try writeMarker(Marker(storeID: id, format: formatVersion, backend: backend.markerName), directory)
      return id
    }
  }

  /// The name of the claim a data directory writes before it stamps a new store's pieces in
  /// PostgreSQL, removed once the marker is written.
  public static let claimName = "store.creating.json"

  /// A new store in PostgreSQL: the data directory first claims an id in `store.creating.json`,
  /// then stamps the ledger and the index, then writes the marker and drops the claim. After a
  /// crash anywhere in between, only the directory holding the claim adopts the stamped pieces;
  /// pieces stamped with any other id belong to another data directory and are refused.
  private static func settleNewPostgresStore(
    existing: String?, place: String, directory: DataDirectory, ledger: any StoreStamped, index: any StoreStamped,
    mayWrite: Bool, newID: () -> String
  ) throws -> String? {
    let claimPath = directory.root + "/" + claimName
    let claimed = try FileSystem.exists(claimPath) ? readMarkerFile(claimPath).storeID : nil
    if let existing, existing != claimed {
      throw StoreIdentityError.claimedDatabase(place: place, storeID: existing, root: directory.root)
    }
    guard mayWrite else { return existing }
    let id = claimed ?? newID()
    let marker = Marker(storeID: id, format: formatVersion, backend: Backend.postgres(place: place).markerName)
    if claimed == nil {
      try FileSystem.writeAtomically(Array((try JSONOutput.line(marker) + "\n").utf8), to: claimPath)
    }
    try ledger.stamp(storeID: id)
    try index.stamp(storeID: id)
    try writeMarker(marker, directory)
    try FileSystem.remove(claimPath)
    return id
  }

  private static func expect(_ found: String?, _ expected: String, piece: StoreIdentityError.Piece, path: String)
    throws
  {
    guard let found else { throw StoreIdentityError.unstamped(piece: piece, path: path, expected: expected) }
    guard found == expected else {
      throw StoreIdentityError.foreign(piece: piece, path: path, found: found, expected: expected)
    }
  }

  static func markerPath(_ directory: DataDirectory) -> String { directory.root + "/" + markerName }

  /// The marker, or `nil` when there is none.
  public static func readMarker(_ directory: DataDirectory) throws -> Marker? {
    let path = markerPath(directory)
    guard FileSystem.exists(path) else { return nil }
    return try readMarkerFile(path)
  }

  private static func readMarkerFile(_ path: String) throws -> Marker {
    let text = try FileSystem.readText(path)
    do {
      return try JSONOutput.decode(Marker.self, from: text)
    } catch {
      throw StoreIdentityError.unreadableMarker(path: path, detail: "\(error)")
    }
  }

  static func writeMarker(_ marker: Marker, _ directory: DataDirectory) throws {
    try FileSystem.writeAtomically(Array((try JSONOutput.line(marker) + "\n").utf8), to: markerPath(directory))
  }

  /// Regular files under `archive/` (registered evidence), counted without reading them.
  static func archivedFileCount(_ directory: DataDirectory) throws -> Int {
    var count = 0
    for source in try FileSystem.listIfPresent(directory.archive) {
      let folder = directory.archive + "/" + source
      guard FileSystem.isDirectory(folder) else { continue }
      count += try FileSystem.list(folder).filter { !$0.hasPrefix(".") }.count
    }
    return count
  }
}

/// A store whose pieces are missing or disagree: what is wrong, and what to do.
public enum StoreIdentityError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedFailure {
  /// A piece of the store.
  public enum Piece: String, Sendable {
    case ledger = "workflow ledger"
    case index = "key index"
  }

  case missing(piece: Piece, path: String, storeID: String?)
  case foreign(piece: Piece, path: String, found: String, expected: String)
  case unstamped(piece: Piece, path: String, expected: String)
  /// The database of `piece` holds no table, and no write-ahead log lies beside it, in a store
  /// that was created (``StoreIdentity/holdsNothing(sqlite:)``).
  case emptied(piece: Piece, path: String, storeID: String)
  case markerMissing(path: String, storeID: String)
  case unreadableMarker(path: String, detail: String)
  case newerFormat(path: String, found: Int)
  case evidenceWithoutStore(root: String, archivedFiles: Int)
  /// The marker says the databases live in `recorded`; the command was asked to use `asked`.
  case otherBackend(path: String, storeID: String, recorded: String, asked: String)
  /// The workflow ledger has `partition` indexed through batch `ledgerJob`, the key index only
  /// through `indexJob`: the index is older than the ledger (restored from another backup).
  case indexBehindLedger(partition: Int, ledgerJob: UInt64, indexJob: UInt64)
  /// The key index holds batch `indexJob` of `partition`, newer than the ledger's newest batch.
  case ledgerBehindIndex(partition: Int, indexJob: UInt64, newestJob: UInt64)
  /// A data directory without a marker was pointed at a PostgreSQL schema that holds store
  /// `storeID` (another data directory's, or one whose creation was interrupted).
  case claimedDatabase(place: String, storeID: String, root: String)

  public var failureKind: FailureKind { .corruptData }

  public var description: String {
    switch self {
    case .missing(let piece, let path, let storeID):
      "the \(piece.rawValue) \(path) is missing\(storeID.map { " from store \($0)" } ?? ""); "
        + "the store is not whole and was not opened — restore the file from a backup"
        + Self.rebuildHint
    case .foreign(let piece, let path, let found, let expected):
      "the \(piece.rawValue) \(path) belongs to store \(found), not to this data directory's store "
        + "\(expected); it was not opened — put back this store's file" + Self.rebuildHint
    case .unstamped(let piece, let path, let expected):
      "the \(piece.rawValue) \(path) carries no store id, but this data directory is store \(expected): "
        + "it was replaced by a new, empty one — put back this store's file" + Self.rebuildHint
    case .emptied(let piece, let path, let storeID):
      "the \(piece.rawValue) \(path) of store \(storeID) holds nothing: no table in the file and no "
        + "write-ahead log beside it. The file was replaced by an empty one, or its write-ahead log "
        + "(\(path)-wal, which keeps the latest transactions until they are copied into the file) was "
        + "lost. Nothing was opened or written — put back both files as they were" + Self.rebuildHint
    case .markerMissing(let path, let storeID):
      "the store marker \(path) is missing while the ledger and the index of store \(storeID) hold "
        + "history; restore it (it holds {\"format\":1,\"store_id\":\"\(storeID)\"}) rather than let a "
        + "new store start over this one"
    case .unreadableMarker(let path, let detail):
      "the store marker \(path) cannot be read (\(detail)); restore it from a backup"
    case .newerFormat(let path, let found):
      "the store marker \(path) says layout version \(found); this ledgerline reads up to "
        + "\(StoreIdentity.formatVersion) — upgrade ledgerline"
    case .otherBackend(let path, let storeID, let recorded, let asked):
      recorded == "postgres"
        ? "store \(storeID) (marker \(path)) keeps its workflow ledger and key index in PostgreSQL; pass "
          + "--postgres URL (or set LEDGERLINE_POSTGRES) with the URL its engine uses"
        : "store \(storeID) (marker \(path)) keeps its workflow ledger and key index in \(recorded), not in "
          + "\(asked); open it without --postgres (and without LEDGERLINE_POSTGRES)"
    case .claimedDatabase(let place, let storeID, let root):
      "\(place) already holds store \(storeID), but \(root) has no store marker (nor a claim on that id): "
        + "that schema belongs to another data directory, and two data directories must never share one — name "
        + "another schema (`?schema=NAME` in the URL), or open the data directory of store \(storeID)"
    case .indexBehindLedger(let partition, let ledgerJob, let indexJob):
      "the key index is older than the workflow ledger: the ledger has partition \(partition) indexed "
        + "through batch \(ledgerJob), the index only through batch \(indexJob) (index.sqlite and "
        + "index-runs/ restored from an older backup?); the store is not whole and nothing was written — "
        + "restore ledger.sqlite, index.sqlite and index-runs/ from one backup" + Self.rebuildHint
    case .ledgerBehindIndex(let partition, let indexJob, let newestJob):
      "the workflow ledger is older than the key index: the index holds batch \(indexJob) of partition "
        + "\(partition), the ledger's newest batch is \(newestJob) (ledger.sqlite restored from an older "
        + "backup?); the store is not whole and nothing was written — restore ledger.sqlite, index.sqlite "
        + "and index-runs/ from one backup" + Self.rebuildHint
    case .evidenceWithoutStore(let root, let count):
      "\(root) has \(count) registered input file\(count == 1 ? "" : "s") in archive/ but no workflow "
        + "ledger, no key index and no store marker; a new, empty store would ignore that history — "
        + "restore the databases" + Self.rebuildHint
    }
  }

  static let rebuildHint =
    ", or re-create the ledger, the index and the parts from archive/ with `ledgerline rebuild`"
}
