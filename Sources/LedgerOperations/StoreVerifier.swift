import LedgerDomain
import LedgerEngine
import LedgerStorage
import LedgerSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `ledgerline verify`: a read-only check that a data directory is whole — nothing lost, nothing
/// doubled. Open the store with `Workspace(root:mode: .reader)`; nothing is written, no lock is
/// taken, the cache is bypassed (every record is read from disk).
///
/// It checks, without stopping at the first problem:
/// 1. every live record: for each key-index entry, the summary record at its location and every
///    line segment the summary lists (frame, CRC32C, type, payload), and that they agree — the
///    summary with its entry (order id, version) and with its lines (line counts, totals, no event
///    id twice, the inline id set);
/// 2. the index against the part files: every part an entry or a summary points at exists; an
///    artifact part no entry references is a notice (compaction reclaims it), not a problem;
/// 3. the archive against the ledger: every registered input batch's file has the recorded size
///    and SHA-256 (size only, said so, for batches registered before fingerprints were kept);
/// 4. the index against the ledger: no partition is indexed further in the ledger than in the
///    index, nor the other way round (``IndexLedgerAgreement``).
///
/// Alongside a running engine, a compaction can move records while the index is read: when one
/// finished during a pass that found problems, the pass runs again (up to three times). For a
/// definitive answer, verify a stopped store.
public struct StoreVerifier: Sendable {
  /// The opened store.
  public let context: EngineContext
  /// How many problems (and how many notices) are listed; all are counted.
  public let listLimit: Int

  /// A verifier of the store `context` opens, listing up to `listLimit` findings of each severity.
  public init(context: EngineContext, listLimit: Int = 100) {
    self.context = context
    self.listLimit = max(1, listLimit)
  }

  /// Runs every check. Throws only when the store cannot be read at all (the index, the ledger
  /// or the parts folder); everything wrong with one record or one file is a finding.
  public func run() throws -> StoreVerification {
    var report = StoreVerification(dataDirectory: context.paths.root)
    let unfinishedBefore = try context.ledger.unfinishedJobs().map(\.seq)
    var problems = StoreFindingList(limit: listLimit)
    let pass: ArtifactPass
    do {
      pass = try checkArtifacts()
    } catch let error as StorageError where Self.indexRunPath(error) != nil {
      // A run of the index that cannot be read: the entries cannot all be walked, but the rest
      // of the store (the archive, the index against the ledger) is still checked.
      let file = Self.indexRunPath(error).map { Self.relative($0, to: context.paths.root) } ?? "index-runs"
      problems.append(
        StoreFinding(
          kind: .unreadableIndex, file: file,
          message: "\(error); the live records were not checked"))
      pass = ArtifactPass(partsDirectory: context.paths.parts, listLimit: listLimit)
    }
    report.artifacts = pass.artifacts
    report.segments = pass.segments
    report.partFiles = pass.parts.count

    if let disagreement = try IndexLedgerAgreement.check(ledger: context.ledger, index: context.keyIndex) {
      problems.append(StoreFinding(kind: .indexLedgerMismatch, file: "index.sqlite", message: "\(disagreement)"))
    }
    for finding in pass.missingPartFindings() { problems.append(finding) }
    problems.append(contentsOf: pass.problems)
    var notices = StoreFindingList(limit: listLimit)
    // A job unfinished before the pass or after it may have parts the index did not show it yet.
    let inFlight = Set(unfinishedBefore + (try context.ledger.unfinishedJobs().map(\.seq)))
    for finding in try unreferencedParts(referenced: pass.parts, inFlight: inFlight) { notices.append(finding) }
    report.inputBatches = try checkArchive(problems: &problems, notices: &notices)

    report.problems = problems.listed
    report.problemCount = problems.count
    report.notices = notices.listed
    report.noticeCount = notices.count
    return report
  }

  /// The run file a storage error names, when it is about one of the key index's runs.
  static func indexRunPath(_ error: StorageError) -> String? {
    switch error {
    case .damagedIndexRun(let path, _), .missingIndexRun(let path), .foreignIndexRun(let path, _, _): path
    default: nil
    }
  }

  /// `path` relative to the data directory `root` when it lies inside it.
  static func relative(_ path: String, to root: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  }

  /// One pass over the key index, again while a compaction finished during a pass with problems.
  private func checkArtifacts() throws -> ArtifactPass {
    var passes = 0
    while true {
      let before = try context.ledger.lastCompaction()
      let pass = try artifactPass()
      passes += 1
      let compacted = try context.ledger.lastCompaction() != before
      if pass.isClean || !compacted || passes == 3 { return pass }
    }
  }

  private func artifactPass() throws -> ArtifactPass {
    var pass = ArtifactPass(partsDirectory: context.paths.parts, listLimit: listLimit)
    try context.keyIndex.forEachEntry { entry in check(entry, &pass) }
    return pass
  }

  /// Reads the summary at `entry` and every segment it lists; records what fails or disagrees.
  private func check(_ entry: IndexEntry, _ pass: inout ArtifactPass) {
    pass.artifacts += 1
    let order = entry.orderID
    guard pass.present(entry.location.part, order: order) else { return }
    let stored: StoredSummary
    do {
      let payload = try context.reader.read(entry.location, expecting: .artifactSummary)
      stored = try ArtifactCodec.decodeSummary(payload, at: entry.location)
    } catch {
      pass.problems.append(Self.unreadable(entry.location, order: order, error))
      return
    }
    guard stored.summary.orderID == order else {
      // Another artifact's record: its segments are that artifact's, not worth a finding each.
      let message =
        "the summary belongs to order \"\(stored.summary.orderID)\"; the key index points at the wrong record"
      pass.problems.append(Self.inconsistent(entry.location, order: order, message))
      return
    }
    var tally = LineTally(orderID: order)
    for segment in stored.segments {
      pass.segments += 1
      guard pass.present(segment.location.part, order: order) else { return }
      do {
        let payload = try context.reader.read(segment.location, expecting: .lineSegment)
        let lines = try ArtifactCodec.decodeLineSegment(payload, context: "line segment at \(segment.location)")
        for message in Self.mismatches(lines, listedAs: segment, order: order) {
          pass.problems.append(Self.inconsistent(segment.location, order: order, message))
        }
        tally.add(lines.events)
      } catch {
        pass.problems.append(Self.unreadable(segment.location, order: order, error))
        return
      }
    }
    for message in Self.mismatches(stored, entry: entry, lines: tally) {
      pass.problems.append(Self.inconsistent(entry.location, order: order, message))
    }
  }

  /// Artifact parts (`a-…`, `c-…`) no live record lies in, except those of jobs not yet indexed
  /// (their records enter the index when the job finishes) and empty ones (process publishes an
  /// empty part for a partition without keys: nothing to reclaim, nothing worth a notice).
  private func unreferencedParts(referenced: [String: Bool], inFlight: Set<UInt64>) throws -> [StoreFinding] {
    let sizes = try PartNames.artifactPartSizes(in: context.paths.parts)
    // A part holding only its store stamp is empty.
    let empty = context.storeID.map { Int64(RecordFrame.headerSize + $0.utf8.count) } ?? 0
    return sizes.keys.sorted().compactMap { name in
      guard referenced[name] == nil, (sizes[name] ?? 0) > empty else { return nil }
      if name.hasPrefix("a-"), let job = PartNames.job(ofPart: name), inFlight.contains(job) { return nil }
      return StoreFinding(
        kind: .unreferencedPart, file: "parts/\(name)",
        message:
          "no index entry points at any of its \(sizes[name] ?? 0) bytes: garbage, nothing lost; the engine's next compaction deletes it"
      )
    }
  }

  /// What to do when records are lost or unreadable for good.
  static let restoreAdvice =
    "restore it from a backup, or re-create the ledger, the index and the parts from archive/ with `ledgerline rebuild`"

  /// What to do when intact records disagree.
  static let disagreementAdvice =
    "the records are intact but do not agree: keep a copy of this data directory for a bug report, then re-create the ledger, the index and the parts from archive/ with `ledgerline rebuild`"

  /// A record at `location` that could not be read or decoded.
  static func unreadable(_ location: ArtifactLocation, order: String, _ error: any Error) -> StoreFinding {
    let file = "parts/\(location.part)"
    switch error {
    case let error as StorageError:
      return StoreFinding(
        kind: .corruptRecord, file: file, offset: location.offset, orderID: order, message: "\(error)")
    case let error as FileSystemError where error.errno == ENOENT:
      return StoreFinding(
        kind: .missingPart, file: file, offset: location.offset, orderID: order,
        message: "\(error): deleted while verify read it; run verify again, and if it stays missing, \(restoreAdvice)")
    default:
      return StoreFinding(
        kind: .unreadablePart, file: file, offset: location.offset, orderID: order,
        message: "\(error); make the data directory readable by this user (its owner; mode 0700) and run verify again")
    }
  }

  static func inconsistent(_ location: ArtifactLocation, order: String, _ message: String) -> StoreFinding {
    StoreFinding(
      kind: .inconsistentArtifact, file: "parts/\(location.part)", offset: location.offset, orderID: order,
      message: "\(message); \(disagreementAdvice)")
  }
}

/// What one pass over the key index found.
struct ArtifactPass {
  let partsDirectory: String
  var problems: StoreFindingList
  var artifacts = 0
  var segments = 0
  /// Every part a live record lies in, and whether it exists.
  var parts: [String: Bool] = [:]
  /// Missing parts: how many artifacts point at each, and the first of them (in order id order).
  var missing: [String: (artifacts: Int, firstOrder: String)] = [:]

  init(partsDirectory: String, listLimit: Int) {
    self.partsDirectory = partsDirectory
    problems = StoreFindingList(limit: listLimit)
  }

  /// Nothing found.
  var isClean: Bool { problems.count == 0 && missing.isEmpty }

  /// Whether `part` exists; counts `order` against it when it does not.
  mutating func present(_ part: String, order: String) -> Bool {
    let exists: Bool
    if let known = parts[part] {
      exists = known
    } else {
      exists = FileSystem.exists("\(partsDirectory)/\(part)")
      parts[part] = exists
    }
    if !exists {
      let seen = missing[part]
      missing[part] = ((seen?.artifacts ?? 0) + 1, seen?.firstOrder ?? order)
    }
    return exists
  }

  /// One problem per missing part, by name.
  func missingPartFindings() -> [StoreFinding] {
    missing.keys.sorted().map { part in
      let (count, first) = missing[part] ?? (0, "")
      let others = count > 1 ? " and \(count - 1) more" : ""
      return StoreFinding(
        kind: .missingPart, file: "parts/\(part)", orderID: first,
        message:
          "the part file is missing; \(count) artifact\(count == 1 ? "" : "s") (order \(first)\(others)) \(count == 1 ? "points" : "point") at it; \(StoreVerifier.restoreAdvice)"
      )
    }
  }
}
