import Foundation
import LedgerTesting
import Testing

@testable import LedgerStorage

struct DataDirectoryTests {
  static func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? Int) ?? -1
  }

  @Test func createMakesEveryFolderPrivate() throws {
    let tmp = try TemporaryDirectory()
    let data = DataDirectory(root: tmp.file("data/"))
    try data.create()
    #expect(data.root == tmp.file("data"))
    for directory in data.directories {
      #expect(try Self.mode(directory) == 0o700, "\(directory)")
    }
    #expect(data.archive(source: "shop") == tmp.file("data/archive/shop"))
    #expect(data.partsTemporary == tmp.file("data/parts/tmp"))
  }

  @Test func createMakesAnExistingOpenRootPrivate() throws {
    let tmp = try TemporaryDirectory()
    try FileManager.default.createDirectory(
      atPath: tmp.file("data"), withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    let data = DataDirectory(root: tmp.file("data"))
    try data.create()
    try data.create()
    #expect(try Self.mode(data.root) == 0o700)
  }

  @Test func secondEngineLockFailsNamingTheHolder() throws {
    let tmp = try TemporaryDirectory()
    let data = DataDirectory(root: tmp.file("data"))
    try data.create()
    let lock = try data.acquireEngineLock()
    let error = try #require(throws: StorageError.self) { try data.acquireEngineLock() }
    #expect(
      error.description
        == "data directory \(data.root) is in use by another ledgerline engine (pid \(getpid())); watch it with `ledgerline console --read-only`, stop it first, or use another --data"
    )
    lock.release()
    #expect(!lock.isHeld)
    let again = try data.acquireEngineLock()
    #expect(again.isHeld)
  }

  @Test func lockIsReleasedWhenDeinitialised() throws {
    let tmp = try TemporaryDirectory()
    let data = DataDirectory(root: tmp.file("data"))
    try data.create()
    do {
      let lock = try data.acquireEngineLock()
      #expect(lock.isHeld)
    }
    #expect(try data.acquireEngineLock().isHeld)
  }
}
