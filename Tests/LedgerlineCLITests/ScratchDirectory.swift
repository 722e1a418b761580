import Foundation
import LedgerTesting
import Synchronization

/// A private temporary directory for one test, removed when the test ends.
///
/// Set `LEDGERLINE_KEEP_SCRATCH=1` to keep it for a post-mortem (its path is printed).
final class ScratchDirectory {
  let path: String
  let binary: LedgerlineBinary
  /// PostgreSQL schemas of this directory's data directories (``CLIStore``), dropped with it.
  let schemas = Mutex<[String: String]>([:])

  init(_ label: String) throws {
    path = FileManager.default.temporaryDirectory.path + "/ledgerline-cli-\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(
      atPath: "\(path)/logs", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    binary = try LedgerlineBinary(logDirectory: "\(path)/logs")
  }

  deinit {
    for schema in schemas.withLock({ $0.values }) { PostgresTestServer.drop(schema: schema) }
    if ProcessInfo.processInfo.environment["LEDGERLINE_KEEP_SCRATCH"] == "1" {
      print("[cli-tests] kept scratch directory \(path)")
    } else {
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  /// A fresh data directory (0700) holding a copy of `inbox`, as producers would have left it.
  func dataDirectory(_ name: String, inboxFrom inbox: String) throws -> String {
    let data = "\(path)/\(name)"
    try FileManager.default.createDirectory(
      atPath: data, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    try FileManager.default.copyItem(atPath: inbox, toPath: "\(data)/inbox")
    return data
  }

  /// Files (not dot files) directly in `directory`; empty when it does not exist.
  static func visibleFiles(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted()
  }
}
