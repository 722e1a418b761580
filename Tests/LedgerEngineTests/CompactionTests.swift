import Foundation
import LedgerDomain
import LedgerOperations
import LedgerStorage
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerEngine

@Suite struct CompactionTests {
  /// 12 batches each rewrite the same 20 orders: old versions make most part bytes garbage.
  static func churn(_ h: EngineHarness, batches: Int = 12) throws {
    for b in 0..<batches {
      let name = RetryAndPipelineTests.name(b)
      let lines = (0..<20).map { k in eventLine(id: "b\(b)-k\(k)", order: "order-\(k)", amount: "\(b + 1).0\(k % 10)") }
      try h.deliver(source: "web", name: name, lines: lines)
    }
  }

  /// A harness on `storage` whose churn workload ran to idle, one input per batch, and its
  /// export then.
  static func churned(_ storage: EngineHarness.Storage) throws -> (EngineHarness, [String]) {
    let h = try EngineHarness(storage: storage)
    try churn(h)
    try h.runUntilIdle(maxInputsPerJob: 1)
    return (h, try export(h))
  }

  static func partBytes(_ h: EngineHarness) -> Int64 {
    (try? PartNames.artifactPartBytes(in: h.paths.parts)) ?? -1
  }

  static func export(_ h: EngineHarness) throws -> [String] {
    var out: [String] = []
    try ArtifactQuery(context: try h.context()).forEach(withLines: true) { view in
      // Locations legitimately change; everything else must not.
      var unlocated = view
      unlocated.entry.location = ArtifactLocation(part: "", offset: 0, length: 0)
      let json = try ArtifactRendering.json(unlocated, withLines: true)
      out.append(json + " lines=" + view.lines.map(\.id).joined(separator: ","))
    }
    return out
  }

  @Test(arguments: EngineHarness.Storage.available)
  func reclaimsSupersededPartsAndEveryLookupStaysRight(storage: EngineHarness.Storage) throws {
    let (h, before) = try Self.churned(storage)
    let bytesBefore = Self.partBytes(h)
    let report = try #require(try h.engine().compactIfQuiescent())
    #expect(report.totalBytesBefore == bytesBefore)
    #expect(report.reclaimedBytes > 0)
    #expect(report.deletedParts + report.rewrittenParts > 0)
    #expect(Self.partBytes(h) == report.totalBytesAfter)
    #expect(report.totalBytesAfter < bytesBefore)
    #expect(try Self.export(h) == before)
    for k in 0..<20 {
      let view = try #require(try ArtifactQuery(context: try h.context()).lookup("order-\(k)"))
      #expect(view.lines.count == 12)
    }
    // Live data is now most of what is stored.
    #expect(Double(report.liveBytes) >= 0.5 * Double(report.totalBytesAfter))
    let status = try StatusReport.build(h.context())
    #expect(status.lastCompaction?.liveBytes == report.liveBytes)
    #expect(try status.json().contains(#""total_bytes":\#(report.totalBytesAfter)"#))
  }

  /// What a stalled engine (a zombie) writes after its task was taken over and its job finished:
  /// reduce parts, manifests and artifact parts under its own run name, which no one reads. A
  /// compaction pass removes them (no index entry points at the artifact part), and never the
  /// accepted outputs, nor the intermediate files of a job not indexed yet.
  @Test(arguments: EngineHarness.Storage.available)
  func aPassRemovesWhatAStalledEngineWroteLate(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try Self.churn(h, batches: 3)
    try h.runUntilIdle(maxInputsPerJob: 1)
    let before = try Self.export(h)
    let accepted = try FileSystem.list(h.paths.parts).filter { $0.hasPrefix("a-") }.sorted()
    try #require(!accepted.isEmpty)
    let late = [
      PartNames.stateless(job: 2, partition: 1, run: "999x1"), PartNames.manifest(job: 2, partition: 1, run: "999x1"),
      PartNames.artifacts(job: 2, partition: 1, run: "999x1"),
    ]
    // A job the ledger has not seen indexed: its files may still be in use.
    let unfinished = PartNames.stateless(job: 99, partition: 0, run: "999x1")
    for name in late + [unfinished] {
      try FileSystem.writeAtomically(Array("late bytes of \(name)".utf8), to: "\(h.paths.parts)/\(name)")
    }
    _ = try #require(try h.engine().compactIfQuiescent(force: true))
    let left = Set(try FileSystem.list(h.paths.parts))
    for name in late { #expect(!left.contains(name), "\(name) is still there") }
    #expect(left.contains(unfinished))
    // The accepted artifact parts the pass did not rewrite are there, and every artifact reads.
    #expect(try Self.export(h) == before)
  }

  @Test(arguments: EngineHarness.Storage.available)
  func artifactsKeepGrowingCorrectlyAfterACompaction(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try Self.churn(h, batches: 6)
    try h.runUntilIdle(maxInputsPerJob: 1)
    _ = try h.engine().compactIfQuiescent()
    for b in 6..<9 {
      try h.deliver(
        source: "web", name: RetryAndPipelineTests.name(b),
        lines: [eventLine(id: "late-\(b)", order: "order-3", amount: "-1.00")])
    }
    try h.runUntilIdle(maxInputsPerJob: 1, compactEvery: 1)
    let view = try #require(try ArtifactQuery(context: try h.context()).lookup("order-3"))
    #expect(view.lines.map(\.id) == (0..<6).map { "b\($0)-k3" } + ["late-6", "late-7", "late-8"])
    // Six charges "1.03" … "6.03" (2118 cents) and three refunds of 1.00.
    #expect(view.summary.totals[.usd]?.balance == 1818)
  }

  /// Automatic passes run only when they pay: the garbage recorded when new versions were
  /// published makes some part dead or sparse. A pass never runs to reclaim nothing, and a part
  /// a pass measured and kept is not looked at again until new garbage lands beside it.
  @Test(arguments: EngineHarness.Storage.available)
  func automaticPassesRunOnlyWhenTheyReclaimSomething(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    try Self.churn(h, batches: 6)
    try h.runUntilIdle(maxInputsPerJob: 1)
    var options = EngineOptions()
    options.compactionMinimumBytes = Self.partBytes(h) + 1
    #expect(try Engine(context: try h.context(), options: options).compactIfQuiescent(force: false) == nil)
    options.compactionMinimumBytes = 0
    let engine = Engine(context: try h.context(), options: options)
    let first = try #require(try engine.compactIfQuiescent(force: false))
    #expect(first.totalBytesAfter == Self.partBytes(h))
    #expect(first.reclaimedBytes > 0)
    // No new garbage since: not due, unless forced.
    #expect(try engine.compactIfQuiescent(force: false) == nil)
    #expect(try engine.compactIfQuiescent(force: true) != nil)
    // One more batch supersedes every summary, but the part that held them is mostly segments:
    // recorded, not yet worth a look.
    try h.deliver(
      source: "web", name: RetryAndPipelineTests.name(40),
      lines: (0..<20).map { eventLine(id: "again-\($0)", order: "order-\($0)", amount: "1.00") })
    try h.runUntilIdle(maxInputsPerJob: 1)
    #expect(try !h.context().keyIndex.recordedGarbage().isEmpty)
    // Batches that keep superseding the same summaries make a pass due again, and it pays.
    for b in 41..<46 {
      try h.deliver(
        source: "web", name: RetryAndPipelineTests.name(b),
        lines: (0..<20).map { eventLine(id: "again-\(b)-\($0)", order: "order-\($0)", amount: "1.00") })
    }
    try h.runUntilIdle(maxInputsPerJob: 1)
    let again = try #require(try engine.compactIfQuiescent(force: false))
    #expect(again.rewrittenParts + again.deletedParts > 0)
    #expect(again.reclaimedBytes > 0)
  }

  /// A pass never ends with more bytes than it began with, whatever the history: rewriting a
  /// part copies the summaries that point at its segments, and a pass counts them before it
  /// rewrites (before, a pass could end bigger: BENCHMARKS.md, compaction).
  @Test(arguments: EngineHarness.Storage.available)
  func aPassNeverEndsBigger(storage: EngineHarness.Storage) throws {
    for batches in 2...7 {
      let h = try EngineHarness(storage: storage)
      try Self.churn(h, batches: batches)
      try h.runUntilIdle(maxInputsPerJob: 1)
      let before = try Self.export(h)
      for _ in 0..<3 {
        let report = try #require(try h.engine().compactIfQuiescent(force: true))
        #expect(report.totalBytesAfter <= report.totalBytesBefore, "\(batches) batches: \(report)")
      }
      #expect(try Self.export(h) == before)
    }
  }

  /// A pass's cost follows the garbage, not the state: over a store of many parts that hold no
  /// garbage and a few that hold much, it never walks the key index and scans only the parts
  /// the recorded garbage points at.
  @Test(arguments: EngineHarness.Storage.available)
  func aPassLooksOnlyWhereGarbageIsRecorded(storage: EngineHarness.Storage) throws {
    let h = try EngineHarness(storage: storage)
    // 16 batches of orders nobody touches again (no garbage), then churn on 20 others.
    for b in 0..<16 {
      let lines = (0..<25).map { k in eventLine(id: "cold-\(b)-\(k)", order: "cold-\(b)-\(k)", amount: "2.00") }
      try h.deliver(source: "cold", name: RetryAndPipelineTests.name(b), lines: lines)
    }
    try h.runUntilIdle(maxInputsPerJob: 1)
    try Self.churn(h, batches: 12)
    try h.runUntilIdle(maxInputsPerJob: 1)
    let before = try Self.export(h)
    let parts = try PartNames.artifactPartSizes(in: h.paths.parts)
    let base = try h.context()
    let counting = CountingKeyIndex(base.keyIndex)
    let context = EngineContext(
      paths: base.paths, ledger: base.ledger, keyIndex: counting, reader: base.reader, cache: base.cache,
      clock: base.clock, faults: base.faults)
    let report = try Compactor(context: context).run(through: 1_000, pass: 1_000)
    #expect(report.reclaimedBytes > 0)
    #expect(counting.walks.load(ordering: .relaxed) == 0, "the pass walked the whole key index")
    let coldParts = parts.keys.filter { name in (PartNames.job(ofPart: name) ?? 0) <= 16 }
    #expect(report.examinedParts <= parts.count - coldParts.count, "\(report)")
    // Keys looked up: those of the parts scanned (20 churned orders, each in every churn part).
    #expect(counting.keysLookedUp.load(ordering: .relaxed) <= 20 * report.examinedParts)
    #expect(try Self.export(h) == before)
  }

  /// A pass that died after writing its new part: before its moves committed (nothing points
  /// into the part: the next pass deletes it), or after (the part is live: kept). The part is
  /// recorded as garbage whole until the moves commit, and a pass deletes only what a scan finds
  /// dead.
  @Test(arguments: EngineHarness.Storage.available)
  func aPassThatDiedMidwayLeavesAPartTheNextPassSortsOut(storage: EngineHarness.Storage) throws {
    let (h, before) = try Self.churned(storage)
    let base = try h.context()
    let refusing = CountingKeyIndex(base.keyIndex)
    refusing.refusesRelocation.store(true, ordering: .relaxed)
    let dying = EngineContext(
      paths: base.paths, ledger: base.ledger, keyIndex: refusing, reader: base.reader, cache: base.cache,
      clock: base.clock, faults: base.faults)
    #expect(throws: CountingKeyIndex.RelocationRefused.self) {
      try Compactor(context: dying).run(through: 1_000, pass: 1_000)
    }
    let stranded = try FileSystem.list(h.paths.parts).filter { $0.hasPrefix("c-") }
    try #require(stranded.count == 1)
    #expect(try Self.export(h) == before)
    // The next pass finds nothing pointing into it and deletes it (and does its own work).
    let report = try Compactor(context: base).run(through: 1_000, pass: 1_001)
    #expect(!(try FileSystem.list(h.paths.parts)).contains(stranded[0]), "\(report)")
    #expect(report.reclaimedBytes > 0)
    #expect(try Self.export(h) == before)

    // A copy whose move had committed is live: a pass keeps it.
    let entry = try #require(try base.keyIndex.entry(for: "order-3"))
    let name = "c-0000000007-2.part"
    let writer = try PartFileWriter(partsDirectory: h.paths.parts, name: name)
    let copy = try writer.append(
      type: .artifactSummary, payload: try base.reader.read(entry.location, expecting: .artifactSummary))
    try writer.finish()
    try base.keyIndex.recordSuperseded(
      SupersededBytes(source: "compaction into \(name)", byPart: [name: Int64(Int32.max)]))
    let move = KeyRelocation(orderID: "order-3", version: entry.version, from: entry.location, to: copy)
    #expect(try base.keyIndex.relocate([move]) == 1)
    _ = try Compactor(context: base).run(through: 1_000, pass: 1_002)
    #expect(try Self.export(h) == before)
    #expect(try base.keyIndex.entry(for: "order-3")?.location.part.hasPrefix("c-") == true)
  }
}
