import LedgerStorage
import LedgerTesting
import Testing

/// Text the stores keep exactly, on every backend: keys and event ids are their UTF-8 bytes
/// (U+0000 included, a prefix first), and free text — feed events, error messages, refusal
/// reasons — comes back as it was given, whatever characters it holds.
@Suite struct StorageTextContractTests {
  let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory()
  }

  static let awkward = "nul \u{0} tab \t bidi \u{202E} é 😀 \u{FFFF} end"

  @Test(arguments: Backend.available)
  func keysAndEventIDsWithNULAreDistinctAndOrderedByBytes(backend: Backend) throws {
    let index = try backend.keyIndex(in: directory)
    let keys = ["a\u{0}b", "a", "a\u{0}", "\u{0}", Self.awkward]
    try index.publish(
      keys.enumerated().map { n, key in
        IndexEntry(orderID: key, location: ArtifactLocation(part: "p", offset: Int64(n) * 10, length: 10), version: 1)
      },
      eventIDs: [ExternalEventID(orderID: "a\u{0}", eventID: "e\u{0}1"), ExternalEventID(orderID: "a", eventID: "e")])
    #expect(try index.count() == keys.count)
    #expect(try index.entries(for: keys).map { $0?.location.offset } == [0, 10, 20, 30, 40])
    var visited: [[UInt8]] = []
    try index.forEachEntry { visited.append(Array($0.orderID.utf8)) }
    #expect(visited == keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    #expect(try index.knownEventIDs(order: "a\u{0}", among: ["e\u{0}1", "e", "e\u{0}"]) == ["e\u{0}1"])
    #expect(try index.knownEventIDs(order: "a", among: ["e\u{0}1", "e"]) == ["e"])
  }

  @Test(arguments: Backend.available)
  func freeTextComesBackAsItWasGiven(backend: Backend) throws {
    let ledger = try WorkflowLedgerContractTests.ledger(backend, in: directory, batches: 1, jobs: 1)
    try ledger.appendEvent(LedgerEvent(at: 1, kind: .reject, job: 1, text: Self.awkward))
    #expect(try ledger.recentEvents(limit: 1).map(\.text) == [Self.awkward])
    try ledger.recordRefusal(
      RefusedFileRecord(source: "web", name: "x.jsonl", reason: Self.awkward, path: "refused/web/x.jsonl", at: 2))
    #expect(try ledger.refusals(limit: 1).map(\.reason) == [Self.awkward])
    _ = try ledger.beginStage(.reduce, job: 1, at: 3)
    try ledger.failStage(.reduce, job: 1, kind: .transientIO, message: Self.awkward, nextAttemptAt: 9, at: 4)
    #expect(try ledger.job(1)?.lastError == Self.awkward)
    #expect(try ledger.stageRuns(job: 1).map(\.error) == [Self.awkward])
  }
}
