import LedgerDomain
import LedgerStorage
import LedgerSystem
import Synchronization

/// Reclaims part files made garbage by superseded artifact versions (SPEC §4), at a cost that
/// follows the garbage, not the state.
///
/// A pass looks only at the parts whose recorded garbage (the summaries each publish superseded,
/// `KeyIndex.recordedGarbage`) makes them dead or sparse (live under `rewriteBelow`, 60%, of
/// their size), and at the parts holding summaries their rewrite would move out. It scans those parts, asks the key
/// index which of their records are still live, and then:
/// - deletes a part with no live record;
/// - rewrites those parts together when the copy is smaller than what they free: their live
///   segments, and every summary that points into them (a summary is never changed in place, so
///   one whose segments move is copied too, wherever it lies). So a pass never ends bigger than it
///   began. The copies go to one new part, the key index moves to them (same version), and the old
///   parts are deleted;
/// - records what it measured in the parts it keeps, so the next pass looks at them again only
///   beside new garbage.
/// The artifact parts of process attempts the ledger did not accept (an engine that stalled past
/// its lease and wrote late) are deleted unread: no entry ever pointed at them.
///
/// Only run while the line is quiescent (no job between prefetch and index, empty in-flight
/// overlay): prefetched and in-flight summaries hold locations that compaction moves.
public struct Compactor: Sendable {
  /// What one compaction pass found and did.
  public struct Report: Sendable, Equatable {
    public var totalBytesBefore: Int64 = 0
    /// Live bytes as the recorded garbage accounts them after the pass: part bytes less the
    /// garbage recorded or measured in them.
    public var liveBytes: Int64 = 0
    public var totalBytesAfter: Int64 = 0
    public var deletedParts: Int = 0
    public var rewrittenParts: Int = 0
    public var movedArtifacts: Int = 0
    /// Parts the pass scanned, and their bytes: its cost, which follows the garbage.
    public var examinedParts: Int = 0
    public var examinedBytes: Int64 = 0
    /// Bytes the pass wrote (its new part).
    public var writtenBytes: Int64 = 0

    public var reclaimedBytes: Int64 { totalBytesBefore - totalBytesAfter }
  }

  /// A part is looked at when its recorded garbage leaves live bytes under this share of its size.
  public static let defaultRewriteBelow = 0.6

  /// Whether `garbage` bytes leave a part of `size` bytes live under `below` of it.
  static func isSparse(size: Int64, garbage: Int64, below: Double = defaultRewriteBelow) -> Bool {
    size > 0 && Double(size - min(garbage, size)) < below * Double(size)
  }

  let context: EngineContext
  let rewriteBelow: Double
  /// Most live bytes (as recorded) of the sparse parts one pass looks at; sparser parts beyond
  /// it wait for the next pass. Bounds the memory of a pass whatever the size of the state.
  let rewriteBudget: Int64
  let acceptedRuns: AcceptedRuns

  public init(
    context: EngineContext, rewriteBelow: Double = Compactor.defaultRewriteBelow, rewriteBudget: Int64 = 64 << 20,
    acceptedRuns: AcceptedRuns = AcceptedRuns()
  ) {
    self.context = context
    self.rewriteBelow = rewriteBelow
    self.rewriteBudget = rewriteBudget
    self.acceptedRuns = acceptedRuns
  }

  /// One pass. `through`: only parts of jobs ≤ this (indexed), and earlier passes' parts, are
  /// candidates.
  public func run(through indexedThrough: UInt64, pass: UInt64) throws -> Report {
    var report = Report()
    let sizes = try PartNames.artifactPartSizes(in: context.paths.parts)
    report.totalBytesBefore = sizes.values.reduce(0, +)
    let settled = Set(
      sizes.keys.filter { name in
        name.hasPrefix("c-") || (PartNames.job(ofPart: name).map { $0 <= indexedThrough } ?? false)
      })
    let orphans = try settled.filter { try !acceptedRuns.isAccepted(part: $0, ledger: context.ledger) }.sorted()
    let eligible = settled.subtracting(orphans)
    let garbage = try context.keyIndex.recordedGarbage()
    var budget = rewriteBudget
    var examined = try budgeted(
      sparse(eligible, sizes: sizes, garbage: garbage), sizes: sizes, garbage: garbage, left: &budget
    )
    .map { try examine($0, size: sizes[$0] ?? 0) }
    examined += try holders(of: examined, among: eligible, sizes: sizes, garbage: garbage, budget: &budget)
    report.examinedParts = examined.count
    report.examinedBytes = examined.reduce(0) { $0 + $1.size }
    let dead = examined.filter { $0.liveBytes == 0 }.map(\.name)
    let rewritten = worthRewriting(examined.filter { $0.liveBytes > 0 })
    var reclaim = orphans + dead
    // What it measured in the parts it keeps, recorded before a rewrite records the summaries it
    // moves out of some of them (a measurement replaces what was recorded about a part).
    var measured: [String: Int64] = [:]
    for part in examined where part.liveBytes > 0 && !rewritten.contains(part.name) {
      measured[part.name] = part.size - part.liveBytes
    }
    try context.keyIndex.recordMeasuredGarbage(measured)
    if !rewritten.isEmpty {
      let chosen = examined.filter { rewritten.contains($0.name) }
      let freed = chosen.reduce(Int64(0)) { $0 + $1.size }
      let outcome = try rewrite(rewritten, touched: Self.touched(chosen), pass: pass, freeing: freed)
      report.movedArtifacts = outcome?.moved ?? 0
      report.writtenBytes = outcome?.written ?? 0
      // Delete the old parts only if every move took effect (nothing can still point at them);
      // otherwise (or when the copy came out no smaller after all) measure them and keep them.
      if let outcome, outcome.moved == outcome.planned {
        reclaim += rewritten.sorted()
        report.rewrittenParts = rewritten.count
      } else {
        try context.keyIndex.recordMeasuredGarbage(
          Dictionary(uniqueKeysWithValues: chosen.map { ($0.name, $0.size - $0.liveBytes) }))
      }
    }
    for name in reclaim { try context.discardPart(name) }
    try context.keyIndex.forgetSuperseded(parts: reclaim)
    report.deletedParts = orphans.count + dead.count
    let after = try PartNames.artifactPartSizes(in: context.paths.parts)
    report.totalBytesAfter = after.values.reduce(0, +)
    let left = try context.keyIndex.recordedGarbage()
    report.liveBytes = after.reduce(0) { sum, part in sum + max(0, part.value - (left[part.key]?.bytes ?? 0)) }
    return report
  }

  /// Parts whose recorded garbage makes them dead or sparse: those with garbage recorded since
  /// their last measurement first, then the sparsest.
  private func sparse(_ parts: Set<String>, sizes: [String: Int64], garbage: [String: RecordedGarbage]) -> [String] {
    let found = parts.compactMap { name -> (name: String, fresh: Bool, live: Double)? in
      guard let size = sizes[name], let g = garbage[name],
        Self.isSparse(size: size, garbage: g.bytes, below: rewriteBelow)
      else { return nil }
      return (name, g.sinceMeasured > 0, Double(size - min(g.bytes, size)) / Double(size))
    }
    return found.sorted { a, b in
      if a.fresh != b.fresh { return a.fresh }
      if a.live != b.live { return a.live < b.live }
      return a.name < b.name
    }.map(\.name)
  }

  /// The sparse parts this pass looks at: in `sparse`'s order while their recorded live bytes
  /// fit the budget (at least one, so a pass always makes progress); `left` is what remains of it.
  private func budgeted(
    _ sparse: [String], sizes: [String: Int64], garbage: [String: RecordedGarbage], left: inout Int64
  ) -> [String] {
    var chosen: [String] = []
    for name in sparse {
      let size = sizes[name] ?? 0
      let live = size - min(garbage[name]?.bytes ?? 0, size)
      if !chosen.isEmpty, live > left { break }
      chosen.append(name)
      left -= live
    }
    return chosen
  }

  /// The other parts that hold summaries a rewrite of `examined` would copy out, scanned too
  /// where that garbage, with what is recorded, makes them sparse: rewriting them in the same
  /// pass frees them now, where leaving them would only make the next pass due.
  private func holders(
    of examined: [PartLiveness], among eligible: Set<String>, sizes: [String: Int64],
    garbage: [String: RecordedGarbage], budget: inout Int64
  ) throws -> [PartLiveness] {
    let looked = Set(examined.map(\.name))
    var moving: [String: Int64] = [:]
    for entry in Self.touched(examined) where !looked.contains(entry.location.part) {
      moving[entry.location.part, default: 0] += Int64(entry.location.length)
    }
    var found: [PartLiveness] = []
    for (name, bytes) in moving.sorted(by: { $0.key < $1.key }) where eligible.contains(name) {
      guard let size = sizes[name] else { continue }
      let dead = (garbage[name]?.bytes ?? 0) + bytes
      let live = size - min(dead, size)
      guard Self.isSparse(size: size, garbage: dead, below: rewriteBelow), live <= budget else { continue }
      budget -= live
      found.append(try examine(name, size: size))
    }
    return found
  }

  /// What a scan of one part found live.
  struct PartLiveness {
    var name: String
    var size: Int64
    /// Bytes of its records still reachable: current summaries and their segments.
    var liveBytes: Int64 = 0
    var liveSegmentBytes: Int64 = 0
    /// Current entries whose summary lies in the part or points at a segment in it: a rewrite of
    /// the part copies each of those summaries.
    var touched: [ExactID: IndexEntry] = [:]
  }

  /// Scans `name` and looks each record's key up: a summary is live when the index points at
  /// it, a segment when the current summary of its key lists it.
  private func examine(_ name: String, size: Int64) throws -> PartLiveness {
    var records: [(key: ExactID, location: ArtifactLocation, type: RecordType)] = []
    try context.reader.forEachRecord(inPart: name) { location, type, payload in
      guard type == .artifactSummary || type == .lineSegment else { return }
      var reader = ByteReader(payload, context: "\(type) at \(location)")
      records.append((ExactID(try reader.readString()), location, type))
    }
    let keys = Array(Set(records.map(\.key))).sorted { KeyOrder.precedes($0.value, $1.value) }
    var current: [ExactID: IndexEntry] = [:]
    for (key, entry) in zip(keys, try context.keyIndex.entries(for: keys.map(\.value))) where entry != nil {
      current[key] = entry
    }
    var part = PartLiveness(name: name, size: size)
    var segmentsOf: [ExactID: Set<ArtifactLocation>] = [:]
    for record in records {
      guard let entry = current[record.key] else { continue }
      switch record.type {
      case .artifactSummary where entry.location == record.location:
        part.liveBytes += Int64(record.location.length)
        part.touched[record.key] = entry
      case .lineSegment:
        if segmentsOf[record.key] == nil {
          segmentsOf[record.key] = Set(try segments(of: entry).map(\.location))
        }
        if segmentsOf[record.key]?.contains(record.location) == true {
          part.liveBytes += Int64(record.location.length)
          part.liveSegmentBytes += Int64(record.location.length)
          part.touched[record.key] = entry
        }
      default:
        break
      }
    }
    return part
  }

  /// The parts among `parts` worth rewriting together: the copy, which takes their live
  /// segments and every summary pointing into them from anywhere, is smaller than what they free,
  /// so the pass ends with fewer bytes than it began with. (They are all sparse by their recorded
  /// garbage, or hold summaries the others' rewrite moves out.) The part that pays worst on its
  /// own is left out until the rest pays (or nothing is left).
  private func worthRewriting(_ parts: [PartLiveness]) -> Set<String> {
    var chosen = parts
    while !chosen.isEmpty {
      if Self.copyCost(chosen) < chosen.reduce(0, { $0 + $1.size }) { return Set(chosen.map(\.name)) }
      let ratios = chosen.map { Double(Self.copyCost([$0])) / Double(max(1, $0.size)) }
      chosen.remove(at: ratios.indices.max { ratios[$0] < ratios[$1] }!)
    }
    return []
  }

  /// Bytes a rewrite of `parts` writes: their live segments, and each touched summary once.
  static func copyCost(_ parts: [PartLiveness]) -> Int64 {
    let summaries = touched(parts).reduce(Int64(0)) { $0 + Int64($1.location.length) }
    return parts.reduce(summaries) { $0 + $1.liveSegmentBytes }
  }

  /// The entries a rewrite of `parts` copies, each once, in key order.
  static func touched(_ parts: [PartLiveness]) -> [IndexEntry] {
    var all: [ExactID: IndexEntry] = [:]
    for part in parts { all.merge(part.touched) { first, _ in first } }
    return all.values.sorted { KeyOrder.precedes($0.orderID, $1.orderID) }
  }

  /// The segment references of the summary `entry` points at (cache first, else decoding only
  /// the references).
  private func segments(of entry: IndexEntry) throws -> [SegmentRef] {
    if let cached = context.cache.get(entry.location) { return cached.segments }
    let payload = try context.reader.read(entry.location, expecting: .artifactSummary)
    return try ArtifactCodec.summarySegments(payload)
  }

  /// Copies the live records of `parts` into a new part and moves the index to the copies. The
  /// summaries copied out of other parts become garbage there; until the moves commit, the new
  /// part is recorded as garbage whole (a crash in between leaves it to the next pass to measure).
  ///
  /// Returns nil, and leaves nothing, when the copy is not smaller than `freeing` (the bytes of
  /// `parts`) after all: copied summaries name the new part, whose name may be longer than the
  /// old ones', so the estimate that chose `parts` can be a few bytes short.
  private func rewrite(_ parts: Set<String>, touched: [IndexEntry], pass: UInt64, freeing: Int64) throws -> (
    moved: Int, planned: Int, written: Int64
  )? {
    // A name never used before, not only one that is free now: another process of a fleet may
    // still hold a descriptor or cached records of a deleted part of the same name.
    var n = max(0, context.clock.nowMillis())
    while FileSystem.exists("\(context.paths.parts)/c-\(PartNames.pad(pass))-\(n).part") { n += 1 }
    let name = "c-\(PartNames.pad(pass))-\(n).part"
    let writer = try PartFileWriter(partsDirectory: context.paths.parts, name: name, storeID: context.storeID)
    var moves: [KeyRelocation] = []
    moves.reserveCapacity(touched.count)
    var left = SupersededBytes(source: "compaction into \(name)")
    do {
      for entry in touched {
        var copy = try ArtifactCodec.decodeSummary(
          try context.reader.read(entry.location, expecting: .artifactSummary), at: entry.location)
        for (i, segment) in copy.segments.enumerated() where parts.contains(segment.location.part) {
          let payload = try context.reader.read(segment.location, expecting: .lineSegment)
          copy.segments[i].location = try writer.append(type: .lineSegment, payload: payload)
        }
        let to = try writer.append(type: .artifactSummary, payload: ArtifactCodec.encode(copy))
        moves.append(KeyRelocation(orderID: entry.orderID, version: entry.version, from: entry.location, to: to))
        if !parts.contains(entry.location.part) { left.add(entry.location) }
      }
      // Garbage whole until the moves commit: a pass that dies once the part is in place leaves
      // it to the next pass, which scans it and deletes it if nothing points into it.
      try context.keyIndex.recordSuperseded(SupersededBytes(source: left.source, byPart: [name: Int64(Int32.max)]))
      try writer.finish()
    } catch {
      writer.abandon()
      throw error
    }
    let written = try FileSystem.size(of: "\(context.paths.parts)/\(name)")
    guard written < freeing else {
      try FileSystem.remove("\(context.paths.parts)/\(name)")
      try context.keyIndex.recordSuperseded(SupersededBytes(source: left.source))
      return nil
    }
    let moved = try context.keyIndex.relocate(moves)
    if moved == moves.count { try context.keyIndex.recordSuperseded(left) }
    return (moved, moves.count, written)
  }
}

/// The process attempts the ledger accepted for each partition of indexed jobs, as compaction
/// asks it of artifact parts: one ledger read per job for the life of the engine (an indexed
/// job's attempts never change).
public final class AcceptedRuns: Sendable {
  private let runs = Mutex<[UInt64: [Int: Set<String>]]>([:])

  public init() {}

  /// False for the artifact part of a process attempt of an indexed job that the ledger never
  /// saw succeed (one that failed, or stalled past its lease and wrote late); true for any other
  /// part (compaction's, a store's from before attempts named their outputs, or a partition with
  /// no successful attempt on record).
  func isAccepted(part name: String, ledger: any WorkflowLedger) throws -> Bool {
    guard let (job, partition, run) = PartNames.processRun(ofArtifactPart: name) else { return true }
    let accepted = try runs.withLock { cache -> [Int: Set<String>] in
      if let known = cache[job] { return known }
      var found: [Int: Set<String>] = [:]
      for run in try ledger.stageRuns(job: job) where run.stage == .process && run.outcome == "ok" {
        if let p = run.partition {
          found[p, default: []].insert(PartNames.run(process: run.process, attempt: run.attempt))
        }
      }
      cache[job] = found
      return found
    }
    guard let ok = accepted[partition] else { return true }
    return ok.contains(run)
  }
}
