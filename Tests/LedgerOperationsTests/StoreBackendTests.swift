import Foundation
import LedgerSystem
import LedgerTesting
import Testing

@testable import LedgerOperations
@testable import LedgerStorage

/// Which backend a command uses, and how the store marker keeps a store on the backend it was
/// created on (issue 11: `--postgres URL`, `LEDGERLINE_POSTGRES`).
@Suite struct StoreBackendTests {
  let directory: TemporaryDirectory
  var data: DataDirectory { DataDirectory(root: directory.file("data")) }
  static let place = "postgres://ann@db:5432/ledger (schema store_a)"

  init() throws {
    directory = try TemporaryDirectory()
    try DataDirectory(root: directory.file("data")).create()
  }

  @Test func theFlagWinsOverTheVariableAndNeitherMeansSQLite() throws {
    let variable = [StoreBackend.environmentVariable: "postgres://ann@db/ledger?schema=from_env"]
    #expect(try StoreBackend.chosen(flag: nil, environment: [:]) == .sqlite)
    #expect(try StoreBackend.chosen(flag: nil, environment: [StoreBackend.environmentVariable: ""]) == .sqlite)
    guard case .postgres(let fromEnv) = try StoreBackend.chosen(flag: nil, environment: variable) else {
      Issue.record("LEDGERLINE_POSTGRES was ignored")
      return
    }
    #expect(fromEnv.schema == "from_env")
    guard case .postgres(let fromFlag) = try StoreBackend.chosen(flag: "postgres://bob@h/d", environment: variable)
    else {
      Issue.record("--postgres was ignored")
      return
    }
    #expect(fromFlag.user == "bob" && fromFlag.schema == "ledgerline")
    #expect(throws: (any Error).self) { try StoreBackend.chosen(flag: "mysql://x@y/z", environment: [:]) }
  }

  @Test func aMarkerKeepsAStoreOnTheBackendItWasCreatedOn() throws {
    try StoreIdentity.writeMarker(StoreIdentity.Marker(storeID: "s1", format: 1, backend: "postgres"), data)
    let onSQLite = #expect(throws: StoreIdentityError.self) { try StoreIdentity.plan(data) }
    #expect(onSQLite?.description.contains("--postgres") == true)
    #expect(
      try StoreIdentity.plan(data, backend: .postgres(place: Self.place))
        == .existing(
          StoreIdentity.Marker(storeID: "s1", format: 1, backend: "postgres")))

    try StoreIdentity.writeMarker(StoreIdentity.Marker(storeID: "s2", format: 1), data)
    let onPostgres = #expect(throws: StoreIdentityError.self) {
      try StoreIdentity.plan(data, backend: .postgres(place: Self.place))
    }
    #expect(onPostgres?.description.contains("without --postgres") == true)
  }

  @Test func anSQLiteMarkerIsWrittenAsBeforePostgres() throws {
    try StoreIdentity.writeMarker(StoreIdentity.Marker(storeID: "s1", format: 1), data)
    let text = try FileSystem.readText(data.root + "/" + StoreIdentity.markerName)
    #expect(text == #"{"format":1,"store_id":"s1"}"# + "\n")
  }

  @Test func archivedEvidenceWithoutAMarkerIsNotANewPostgresStore() throws {
    try FileSystem.makeDirectories(data.archive + "/web")
    try FileSystem.writeAtomically(Array("x\n".utf8), to: data.archive + "/web/20261127T100000Z_20261127T101500Z.jsonl")
    #expect(throws: StoreIdentityError.evidenceWithoutStore(root: data.root, archivedFiles: 1)) {
      try StoreIdentity.plan(data, backend: .postgres(place: Self.place))
    }
  }

  @Test func aNewStoreNeverAdoptsAPostgresSchemaThatCarriesAnID() throws {
    let ledger = InMemoryWorkflowLedger()
    let index = InMemoryKeyIndex()
    try ledger.stamp(storeID: "other")
    try index.stamp(storeID: "other")
    let refused = #expect(throws: StoreIdentityError.self) {
      try StoreIdentity.settle(
        .create, directory: data, backend: .postgres(place: Self.place), ledger: ledger, index: index,
        ledgerHasBatches: { false }, mayWrite: true, newID: { "new" })
    }
    #expect(refused == .claimedDatabase(place: Self.place, storeID: "other", root: data.root))
    #expect(try StoreIdentity.readMarker(data) == nil)
    // On SQLite the same pieces, without history, are a store whose creation was interrupted.
    #expect(
      try StoreIdentity.settle(
        .create, directory: data, ledger: ledger, index: index, ledgerHasBatches: { false }, mayWrite: true,
        newID: { "new" }) == "other")
  }

  @Test func aCreationInterruptedAfterStampingIsFinishedByTheDirectoryThatClaimedTheID() throws {
    let ledger = InMemoryWorkflowLedger()
    let index = InMemoryKeyIndex()
    // The first start claimed "mine", stamped the ledger, and was killed before the index.
    let claim = StoreIdentity.Marker(storeID: "mine", format: 1, backend: "postgres")
    try FileSystem.writeAtomically(
      Array((try JSONOutput.line(claim) + "\n").utf8), to: data.root + "/" + StoreIdentity.claimName)
    try ledger.stamp(storeID: "mine")
    let id = try StoreIdentity.settle(
      .create, directory: data, backend: .postgres(place: Self.place), ledger: ledger, index: index,
      ledgerHasBatches: { true }, mayWrite: true, newID: { "unused" })
    #expect(try id == "mine" && index.storeID() == "mine")
    #expect(try StoreIdentity.readMarker(data) == claim)
    #expect(!FileSystem.exists(data.root + "/" + StoreIdentity.claimName))
    // A claim on one id never adopts pieces stamped with another.
    try FileSystem.remove(data.root + "/" + StoreIdentity.markerName)
    let otherClaim = StoreIdentity.Marker(storeID: "not-mine", format: 1, backend: "postgres")
    try FileSystem.writeAtomically(
      Array((try JSONOutput.line(otherClaim) + "\n").utf8), to: data.root + "/" + StoreIdentity.claimName)
    #expect(throws: StoreIdentityError.claimedDatabase(place: Self.place, storeID: "mine", root: data.root)) {
      try StoreIdentity.settle(
        .create, directory: data, backend: .postgres(place: Self.place), ledger: ledger, index: index,
        ledgerHasBatches: { true }, mayWrite: true, newID: { "unused" })
    }
  }

  @Test func aNewPostgresStoreWritesItsBackendInTheMarker() throws {
    let id = try StoreIdentity.settle(
      .create, directory: data, backend: .postgres(place: Self.place), ledger: InMemoryWorkflowLedger(),
      index: InMemoryKeyIndex(), ledgerHasBatches: { false }, mayWrite: true, newID: { "fresh" })
    #expect(id == "fresh")
    #expect(
      try StoreIdentity.readMarker(data) == StoreIdentity.Marker(storeID: "fresh", format: 1, backend: "postgres"))
  }
}
