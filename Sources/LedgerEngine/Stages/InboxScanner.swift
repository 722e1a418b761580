import Glibc
import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Scans `inbox/<source>/` and registers new input batch files in the workflow ledger.
///
/// Good files move to `archive/<source>/<name>` unchanged (the evidence behind every line), with
/// their size and SHA-256 recorded. Only regular files are batches: symbolic links, FIFOs,
/// sockets and devices are refused without being opened for reading, and a linked source
/// folder is never entered. A file whose size or modification time changes while it is read, or
/// that a process on this host holds open for writing, is still being written: it waits for a
/// later scan. A file whose name does not parse, whose
/// interval is empty or overlaps one already registered for its source, which repeats a
/// registered name, or whose bytes equal a registered batch's, is refused as a whole: it moves
/// to `refused/<source>/` and the reason is recorded and shown. Whether a name is registered is
/// decided by the ledger, never by the archive folder. Names starting with `.` or ending in
/// `.tmp` are in-progress and never read; anything else that is not a batch is listed as ignored.
public struct InboxScanner: Sendable {
  /// The outcome of one scan.
  public struct Result: Sendable, Equatable {
    public var registered: [InputBatchRecord] = []
    public var refused: [RefusedFileRecord] = []
    /// Files still being written (`source/name`): they are read again by a later scan.
    public var waiting: [String] = []
    /// Entries of the inbox that are not batches, with the reason (never silently skipped).
    public var ignored: [IgnoredEntry] = []
  }

  /// An inbox entry that is not an input batch.
  public struct IgnoredEntry: Sendable, Equatable {
    /// Path relative to the data directory, e.g. `inbox/notes.txt`.
    public var path: String
    public var reason: String
  }

  /// A file read and fingerprinted for registration.
  struct Candidate {
    var batch: BatchFileName
    var source: String
    var bytes: Int64
    var sha256: String
    var segments: [InputSegment]
  }

  let inbox: String
  let archive: String
  let refusedDirectory: String
  let ledger: any WorkflowLedger
  let clock: any WallClock
  /// A JSON Lines file larger than this is registered as line-aligned segments of about this
  /// size (``InputSegment``); nil: every file as one piece.
  let segmentBytes: Int?

  public init(
    inbox: String, archive: String, refused: String, ledger: any WorkflowLedger,
    clock: any WallClock, segmentBytes: Int? = nil
  ) {
    self.segmentBytes = segmentBytes
    self.inbox = inbox
    self.archive = archive
    self.refusedDirectory = refused
    self.ledger = ledger
    self.clock = clock
  }

  /// One scan: registers every acceptable file, refuses the rest.
  public func scan() throws -> Result {
    var result = Result()
    var accepted: [Candidate] = []
    let scanID = clock.nowMillis()
    for source in try FileSystem.listIfPresent(inbox) where !BatchFileName.isInProgress(source) {
      let dir = "\(inbox)/\(source)"
      switch try FileSystem.kind(of: dir) {
      case .directory?: break
      case nil: continue  // gone since the listing
      case .some(let kind):
        if let entry = Self.ignoredAtRoot(source, kind: kind) { result.ignored.append(entry) }
        continue
      }
      try scan(source: source, into: &result, accepted: &accepted)
    }
    result.registered = try register(accepted, scan: scanID)
    return result
  }

  /// Why an entry of the inbox root that is not a source folder is ignored.
  static func ignoredAtRoot(_ name: String, kind: FileSystem.EntryKind) -> IgnoredEntry? {
    switch kind {
    case .directory: nil
    case .symbolicLink:
      IgnoredEntry(path: "inbox/\(name)", reason: "a symbolic link, not a source folder: never followed")
    default: IgnoredEntry(path: "inbox/\(name)", reason: "not in a source folder: batches go in inbox/<source>/")
    }
  }

  static func ignoredFolder(source: String, name: String) -> IgnoredEntry {
    IgnoredEntry(path: "inbox/\(source)/\(name)", reason: "a folder: a batch is a file")
  }

  /// What a scan would list as ignored, found without changing anything (for `status`).
  public static func ignoredEntries(inbox: String) throws -> [IgnoredEntry] {
    var out: [IgnoredEntry] = []
    for name in try FileSystem.listIfPresent(inbox) where !BatchFileName.isInProgress(name) {
      guard let kind = try FileSystem.kind(of: "\(inbox)/\(name)") else { continue }
      guard kind == .directory else {
        if let entry = ignoredAtRoot(name, kind: kind) { out.append(entry) }
        continue
      }
      for entry in try FileSystem.listIfPresent("\(inbox)/\(name)") where !BatchFileName.isInProgress(entry) {
        if try FileSystem.kind(of: "\(inbox)/\(name)/\(entry)") == .directory {
          out.append(ignoredFolder(source: name, name: entry))
        }
      }
    }
    return out
  }

  private func scan(source: String, into result: inout Result, accepted: inout [Candidate]) throws {
    let dir = "\(inbox)/\(source)"
    let registered = try ledger.inputBatches(source: source)
    for name in try FileSystem.listIfPresent(dir) where !BatchFileName.isInProgress(name) {
      let path = "\(dir)/\(name)"
      let kind: FileSystem.EntryKind
      switch try FileSystem.kind(of: path) {
      case nil: continue
      case .directory?:
        result.ignored.append(Self.ignoredFolder(source: source, name: name))
        continue
      case .some(let found): kind = found
      }
      guard kind == .regular else {
        let refusal = FileRefusal.notRegularFile(name: name, kind: Self.describe(kind))
        result.refused.append(try refuse(source: source, name: name, because: refusal))
        continue
      }
      let segmentBytes = name.hasSuffix(".jsonl") ? segmentBytes : nil
      guard let read = try Self.fingerprint(path, segmentBytes: segmentBytes) else {
        result.waiting.append("\(source)/\(name)")
        continue
      }
      if let known = registered.first(where: { $0.batch.name == name }) {
        if known.batch.sha256 == read.sha256, !FileSystem.exists("\(archive)/\(source)/\(name)") {
          // Registered, then the engine stopped before the move: the same bytes, so finish it.
          try FileSystem.makeDirectories("\(archive)/\(source)")
          try FileSystem.rename(path, to: "\(archive)/\(source)/\(name)")
          continue
        }
        let refusal: FileRefusal =
          FileSystem.exists("\(archive)/\(source)/\(name)")
          ? .alreadyRegistered(name: name) : .changedRedelivery(name: name)
        result.refused.append(try refuse(source: source, name: name, because: refusal))
        continue
      }
      switch try check(source: source, name: name, read: read, registered: registered, pending: accepted) {
      case .success(let batch):
        accepted.append(
          Candidate(batch: batch, source: source, bytes: read.bytes, sha256: read.sha256, segments: read.segments))
      case .failure(let refusal):
        result.refused.append(try refuse(source: source, name: name, because: refusal))
      }
    }
  }

  static func describe(_ kind: FileSystem.EntryKind) -> String {
    switch kind {
    case .symbolicLink: "symbolic link"
    case .fifo: "FIFO (named pipe)"
    case .socket: "socket"
    case .device: "device"
    case .directory: "folder"
    case .regular: "regular file"
    }
  }

  /// What a read of a whole file found: its size and SHA-256, and its bytes when it is small
  /// enough to keep (``smallFileBytes``), for the checks that look at content.
  package struct Fingerprint: Sendable, Equatable {
    package var bytes: Int64
    package var sha256: String
    /// The file's bytes when it holds at most ``smallFileBytes``.
    package var content: [UInt8]?
    /// Its segments, when it was asked for segments and has more than one.
    package var segments: [InputSegment] = []
  }

  /// Files up to this size keep their bytes in their ``Fingerprint``.
  static let smallFileBytes = 64 << 10

  /// Size and SHA-256 of the regular file at `path`, read in chunks without following a link
  /// and without blocking on a FIFO swapped in; `nil` when the file changed while it was read,
  /// or is held open for writing on this host (``FileSystem/isOpenForWriting(_:)``): still being
  /// written. `afterRead` runs between the read and the second look (tests);
  /// `ledgerline verify` checks the archive with it too. With `segmentBytes`, a file larger than
  /// that is also cut into line-aligned segments in the same read (``InputSegmenter``).
  package static func fingerprint(_ path: String, segmentBytes: Int? = nil, afterRead: () -> Void = {}) throws
    -> Fingerprint?
  {
    let fd = try FileSystem.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    defer { FileSystem.close(fd) }
    let before = try FileSystem.status(fd, path: path)
    guard before.isRegular else { throw FileSystemError(operation: "read", path: path, errno: EINVAL) }
    var hasher = SHA256()
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    var offset: Int64 = 0
    var content: [UInt8]? = before.size <= Int64(smallFileBytes) ? [] : nil
    var segmenter: InputSegmenter? = nil
    if let segmentBytes, Int64(segmentBytes) < before.size { segmenter = InputSegmenter(segmentBytes: segmentBytes) }
    while true {
      let count = try chunk.withUnsafeMutableBytes { buffer in
        Swift.Result { () throws(FileSystemError) in
          try FileSystem.preadFully(fd, buffer, offset: offset, path: path)
        }
      }.get()
      if count == 0 { break }
      chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      chunk.withUnsafeBufferPointer { segmenter?.update(UnsafeBufferPointer(rebasing: $0[0..<count])) }
      content?.append(contentsOf: chunk[0..<count])
      offset += Int64(count)
    }
    afterRead()
    let after = try FileSystem.status(fd, path: path)
    guard after == before, offset == before.size else { return nil }
    // A producer writing under the final name (against the contract: write a `.tmp` name, then
    // rename) may pause between writes longer than any scan interval; while it holds the file
    // open for writing, it is not done.
    if FileSystem.isOpenForWriting(fd) == true { return nil }
    var segments: [InputSegment] = []
    switch consume segmenter {
    case .some(let cutter): segments = cutter.finish()
    case .none: break
    }
    return Fingerprint(
      bytes: offset, sha256: hasher.finalize(), content: content, segments: segments.count > 1 ? segments : [])
  }

  private func check(
    source: String, name: String, read: Fingerprint, registered: [InputBatchRecord],
    pending: [Candidate]
  ) throws -> Swift.Result<BatchFileName, FileRefusal> {
    guard SourceName.isValid(source) else { return .failure(.badSource(source: source)) }
    let parsed = BatchFileName.parse(name)
    guard case .success(let batch) = parsed else { return parsed }
    if registered.contains(where: { $0.batch.name == name }) {
      return .failure(.alreadyRegistered(name: name))
    }
    if let clash = registered.first(where: {
      $0.batch.from < batch.to.secondsSinceEpoch && batch.from.secondsSinceEpoch < $0.batch.to
    }) {
      return .failure(.overlaps(name: name, registered: clash.batch.name))
    }
    if let clash = pending.first(where: { $0.source == source && $0.batch.overlaps(batch) }) {
      return .failure(.overlaps(name: name, registered: clash.batch.name))
    }
    // Files that can hold no event (empty, blank lines, a CSV header alone) are all alike in
    // what they carry: only content with events can repeat one already registered.
    if !Self.holdsNoEvents(read, format: batch.format) {
      if let twin = try ledger.inputBatch(sha256: read.sha256) {
        return .failure(.duplicateContent(name: name, registered: "\(twin.batch.source)/\(twin.batch.name)"))
      }
      if let twin = pending.first(where: { $0.sha256 == read.sha256 }) {
        return .failure(.duplicateContent(name: name, registered: "\(twin.source)/\(twin.batch.name)"))
      }
    }
    return .success(batch)
  }

  /// Whether the file fingerprinted as `read` can hold no event (``BatchFormat/holdsNoEvents(_:)``):
  /// judged from the bytes a small file keeps; a larger one always holds events.
  static func holdsNoEvents(_ read: Fingerprint, format: BatchFormat) -> Bool {
    guard read.bytes > 0 else { return true }
    guard let content = read.content else { return false }
    return content.withUnsafeBufferPointer { format.holdsNoEvents($0) }
  }

  /// Registers in the ledger first, then moves: a crash in between is finished by the next scan.
  private func register(_ accepted: [Candidate], scan: Int64) throws -> [InputBatchRecord] {
    let ordered = accepted.sorted { a, b in
      if a.batch.from != b.batch.from { return a.batch.from < b.batch.from }
      if a.source != b.source { return a.source < b.source }
      return a.batch.name < b.batch.name
    }
    let batches = ordered.map { c in
      NewInputBatch(
        source: c.source, name: c.batch.name, from: c.batch.from.secondsSinceEpoch,
        to: c.batch.to.secondsSinceEpoch, bytes: c.bytes, archivePath: "archive/\(c.source)/\(c.batch.name)",
        scan: scan, sha256: c.sha256, segments: c.segments)
    }
    guard !batches.isEmpty else { return [] }
    // The journal first: a ledger lost later is rebuilt from archive/ in this order.
    try RegistrationJournal(archive: archive).append(batches)
    let records = try ledger.register(batches, at: clock.nowMillis())
    for record in records {
      let source = record.batch.source
      try FileSystem.makeDirectories("\(archive)/\(source)")
      try FileSystem.rename(
        "\(inbox)/\(source)/\(record.batch.name)", to: "\(archive)/\(source)/\(record.batch.name)")
    }
    return records
  }

  private func refuse(source: String, name: String, because refusal: FileRefusal) throws
    -> RefusedFileRecord
  {
    let dir = "\(refusedDirectory)/\(source)"
    try FileSystem.makeDirectories(dir)
    var target = "\(dir)/\(name)"
    var n = 1
    while FileSystem.exists(target) {
      target = "\(dir)/\(name).\(n)"
      n += 1
    }
    try FileSystem.rename("\(inbox)/\(source)/\(name)", to: target)
    let relative = "refused/\(source)/\(target.lastComponent)"
    let record = RefusedFileRecord(
      source: source, name: name, reason: refusal.description, path: relative,
      at: clock.nowMillis())
    try ledger.recordRefusal(record)
    try ledger.appendEvent(
      LedgerEvent(
        at: record.at, kind: .refusal, job: nil,
        text: "refused \(source)/\(name): \(refusal.description)"))
    return record
  }
}

extension String {
  /// The last path component.
  var lastComponent: String {
    split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? self
  }
}
