import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Scans `inbox/<source>/` and registers new input batch files in the workflow ledger.
///
/// Good files move to `archive/<source>/<name>` unchanged (the evidence behind every line). A
/// file whose name does not parse, whose interval is empty or overlaps one already registered
/// for its source, or which repeats a registered name, is refused as a whole: it moves to
/// `refused/<source>/` and the reason is recorded and shown. Names starting with `.` or ending
/// in `.tmp` are in-progress and never read.
public struct InboxScanner: Sendable {
  /// The outcome of one scan.
  public struct Result: Sendable, Equatable {
    public var registered: [InputBatchRecord] = []
    public var refused: [RefusedFileRecord] = []
  }

  let inbox: String
  let archive: String
  let refusedDirectory: String
  let ledger: any WorkflowLedger
  let clock: any WallClock

  public init(
    inbox: String, archive: String, refused: String, ledger: any WorkflowLedger,
    clock: any WallClock
  ) {
    self.inbox = inbox
    self.archive = archive
    self.refusedDirectory = refused
    self.ledger = ledger
    self.clock = clock
  }

  /// One scan: registers every acceptable file, refuses the rest.
  public func scan() throws -> Result {
    var result = Result()
    var accepted: [(BatchFileName, String, Int64)] = []
    let scanID = clock.nowMillis()
    for source in try FileSystem.listIfPresent(inbox).sorted() where !BatchFileName.isInProgress(source) {
      let dir = "\(inbox)/\(source)"
      guard FileSystem.isDirectory(dir) else { continue }
      let registered = try ledger.inputBatches(source: source)
      var takenThisScan: [BatchFileName] = []
      for name in try FileSystem.listIfPresent(dir).sorted() where !BatchFileName.isInProgress(name) {
        let path = "\(dir)/\(name)"
        guard !FileSystem.isDirectory(path) else { continue }
        if let pending = registered.first(where: { $0.batch.name == name }),
          !FileSystem.exists("\(archive)/\(source)/\(name)")
        {
          // Registered but not yet moved (the engine stopped in between): finish the move.
          try FileSystem.makeDirectories("\(archive)/\(source)")
          try FileSystem.rename(path, to: "\(archive)/\(source)/\(pending.batch.name)")
          continue
        }
        switch check(source: source, name: name, registered: registered, pending: takenThisScan) {
        case .success(let batch):
          takenThisScan.append(batch)
          accepted.append((batch, source, try FileSystem.size(of: path)))
        case .failure(let refusal):
          result.refused.append(try refuse(source: source, name: name, because: refusal))
        }
      }
    }
    result.registered = try register(accepted, scan: scanID)
    return result
  }

  private func check(
    source: String, name: String, registered: [InputBatchRecord], pending: [BatchFileName]
  ) -> Swift.Result<BatchFileName, FileRefusal> {
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
    if let clash = pending.first(where: { $0.overlaps(batch) }) {
      return .failure(.overlaps(name: name, registered: clash.name))
    }
    return .success(batch)
  }

  /// Registers in the ledger first, then moves: a crash in between is finished by the next scan.
  private func register(_ accepted: [(BatchFileName, String, Int64)], scan: Int64) throws
    -> [InputBatchRecord]
  {
    let ordered = accepted.sorted { a, b in
      if a.0.from != b.0.from { return a.0.from < b.0.from }
      if a.1 != b.1 { return a.1 < b.1 }
      return a.0.name < b.0.name
    }
    let batches = ordered.map { batch, source, size in
      NewInputBatch(
        source: source, name: batch.name, from: batch.from.secondsSinceEpoch,
        to: batch.to.secondsSinceEpoch, bytes: size, archivePath: "archive/\(source)/\(batch.name)",
        scan: scan)
    }
    guard !batches.isEmpty else { return [] }
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
