import Foundation
import Testing

extension CLISuite {
  /// `ledgerline rebuild` after losing both databases: the same `export --lines --json`, every
  /// field but the physical `location`.
  @Suite struct RebuildTests {
    static func exportWithoutLocations(_ fixture: ProcessedData) throws -> [String] {
      let result = try fixture.binary.run(["export", "--data", fixture.data, "--lines", "--json"])
      try #require(result.exited(0), "\(result.summary)")
      return try result.stdout.split(separator: "\n").map { line in
        var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        object["location"] = nil
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
      }
    }

    /// A clean stop folds the write-ahead logs into the SQLite files: a copy of the data
    /// directory without its `-wal` and `-shm` files (a backup of `*.sqlite`) is the whole store.
    @Test func aCleanStopLeavesTheWholeStoreInTheSQLiteFiles() throws {
      let fixture = try ProcessedData("settled")
      let expected = try DataSnapshot.capture(fixture.data, with: fixture.binary)
      for name in ["ledger.sqlite", "index.sqlite"] {
        let wal = "\(fixture.data)/\(name)-wal"
        let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(size == 0, "\(wal) holds \(size) bytes after a clean stop")
      }
      for name in try FileManager.default.contentsOfDirectory(atPath: fixture.data)
      where name.hasSuffix("-wal") || name.hasSuffix("-shm") {
        try FileManager.default.removeItem(atPath: "\(fixture.data)/\(name)")
      }
      let status = try fixture.binary.run(["status", "--data", fixture.data])
      #expect(status.exited(0), "\(status.summary)")
      let actual = try DataSnapshot.capture(fixture.data, with: fixture.binary)
      #expect(try actual.exportDifference(from: expected, ignoringLocation: false) == nil)
    }

    @Test func rebuildingAfterDeletingBothDatabasesGivesTheSameExport() throws {
      let fixture = try ProcessedData("rebuild")
      let before = try Self.exportWithoutLocations(fixture)
      #expect(!before.isEmpty)
      for name in try FileManager.default.contentsOfDirectory(atPath: fixture.data)
      where name.hasPrefix("ledger.sqlite") || name.hasPrefix("index.sqlite") {
        try FileManager.default.removeItem(atPath: "\(fixture.data)/\(name)")
      }
      let refused = try fixture.binary.run(["status", "--data", fixture.data])
      #expect(refused.exited(1))
      #expect(refused.stderr.contains("is missing from store"))
      let rebuild = try fixture.binary.run(["rebuild", "--data", fixture.data])
      #expect(rebuild.exited(0), "\(rebuild.summary)")
      #expect(rebuild.stdout.hasPrefix("rebuilt store "))
      #expect(try Self.exportWithoutLocations(fixture) == before)
      let verify = try fixture.binary.run(["verify", "--data", fixture.data])
      #expect(verify.exited(0), "\(verify.summary)")
    }
  }
}
