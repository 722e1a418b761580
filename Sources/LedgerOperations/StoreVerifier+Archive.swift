import LedgerEngine
import LedgerStorage
import LedgerSystem

extension StoreVerifier {
  /// Checks every registered input batch of every source against its archived file; returns
  /// how many batches it checked.
  func checkArchive(problems: inout StoreFindingList, notices: inout StoreFindingList) throws -> Int {
    var checked = 0
    for source in try context.ledger.sourceIntervals().keys.sorted() {
      for input in try context.ledger.inputBatches(source: source) {
        checked += 1
        guard let finding = check(input) else { continue }
        if finding.kind.isProblem { problems.append(finding) } else { notices.append(finding) }
      }
    }
    return checked
  }

  /// What is wrong with (or worth saying about) one input batch's archived file; nil when it is
  /// the registered file.
  private func check(_ input: InputBatchRecord) -> StoreFinding? {
    let batch = input.batch
    let root = context.paths.root
    guard FileSystem.exists("\(root)/\(batch.archivePath)") else {
      // Registered, then the engine stopped before the move: the next scan archives it.
      let inboxFile = "inbox/\(batch.source)/\(batch.name)"
      guard FileSystem.exists("\(root)/\(inboxFile)") else {
        return StoreFinding(
          kind: .missingArchive, file: batch.archivePath, inputBatch: input.id,
          message:
            "the archived input is missing (registered \(Self.registered(batch))); it is the evidence behind its lines: restore it from its producer"
        )
      }
      if let finding = check(input, file: inboxFile), finding.kind.isProblem { return finding }
      return StoreFinding(
        kind: .notYetArchived, file: inboxFile, inputBatch: input.id,
        message:
          "registered but not yet moved to \(batch.archivePath) (the engine stopped in between); the next `ledgerline run` moves it"
      )
    }
    return check(input, file: batch.archivePath)
  }

  /// Compares `file` (relative to the data directory) with what `input` recorded.
  private func check(_ input: InputBatchRecord, file: String) -> StoreFinding? {
    let batch = input.batch
    let found: InboxScanner.Fingerprint
    do {
      guard let read = try InboxScanner.fingerprint("\(context.paths.root)/\(file)") else {
        return StoreFinding(
          kind: .unreadableArchive, file: file, inputBatch: input.id,
          message:
            "the file changed while verify read it; nothing may write to it: stop what does, then run verify again")
      }
      found = read
    } catch {
      return StoreFinding(
        kind: .unreadableArchive, file: file, inputBatch: input.id,
        message:
          "\(error); an archived input must be a regular file this user can read: fix it, or restore it from its producer (registered \(Self.registered(batch)))"
      )
    }
    guard let recorded = batch.sha256 else {
      guard found.bytes == batch.bytes else {
        return StoreFinding(
          kind: .archiveMismatch, file: file, inputBatch: input.id,
          message:
            "the file has \(found.bytes) bytes, registered \(batch.bytes) (no SHA-256 recorded: registered before fingerprints were kept); restore the original from its producer"
        )
      }
      return StoreFinding(
        kind: .sizeOnly, file: file, inputBatch: input.id,
        message:
          "size checked only (\(batch.bytes) bytes): registered before fingerprints were kept, so its content cannot be verified"
      )
    }
    guard found.bytes == batch.bytes, found.sha256 == recorded else {
      return StoreFinding(
        kind: .archiveMismatch, file: file, inputBatch: input.id,
        message:
          "the file is not the one registered: \(found.bytes) bytes with SHA-256 \(found.sha256), registered \(Self.registered(batch)); restore the original from its producer"
      )
    }
    return nil
  }

  /// `120 bytes with SHA-256 3a7b…` as recorded at registration.
  private static func registered(_ batch: NewInputBatch) -> String {
    batch.sha256.map { "\(batch.bytes) bytes with SHA-256 \($0)" } ?? "\(batch.bytes) bytes, no SHA-256"
  }
}
