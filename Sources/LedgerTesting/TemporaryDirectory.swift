import Foundation
import Synchronization

/// A fresh directory under the system temp dir, removed when the value is deinitialised.
public final class TemporaryDirectory: Sendable {
  /// The directory's absolute path.
  public let path: String
  /// What else goes when the directory goes (e.g. a PostgreSQL schema a test made beside it).
  private let cleanups = Mutex<[@Sendable () -> Void]>([])

  /// Creates a new, empty directory.
  public init() throws {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/ledgerline-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    for cleanup in cleanups.withLock({ $0 }) { cleanup() }
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The path of `name` inside the directory.
  public func file(_ name: String) -> String { path + "/" + name }

  /// Runs `cleanup` when the directory is removed.
  public func onRemoval(_ cleanup: @escaping @Sendable () -> Void) {
    cleanups.withLock { $0.append(cleanup) }
  }
}
