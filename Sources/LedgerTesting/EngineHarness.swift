import Foundation
import LedgerDomain
import LedgerStorage
import LedgerEngine
import LedgerOperations

/// A throwaway data directory with an engine wired to a manual clock.
public final class EngineHarness {
  public let root: String
  public let clock = ManualClock()
  public private(set) var workspace: Workspace?

  /// A fresh, empty data directory under the temp dir.
  public init() throws {
    root = FileManager.default.temporaryDirectory.path + "/ledgerline-engine-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  public var paths: EnginePaths { EnginePaths(root: root) }

  /// Writes an input batch file into `inbox/<source>/<name>`.
  public func deliver(source: String, name: String, lines: [String]) throws {
    try deliver(source: source, name: name, bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
  }

  public func deliver(source: String, name: String, bytes: [UInt8]) throws {
    let dir = "\(root)/inbox/\(source)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data(bytes))
  }

  /// Opens the data directory as the engine (taking the lock once).
  public func context(faults: FaultInjector = .none) throws -> EngineContext {
    if workspace == nil || workspace?.context.faults != faults {
      workspace = nil
      workspace = try Workspace(root: root, mode: .engine, faults: faults, clock: clock)
    }
    guard let workspace else { throw HarnessError.noWorkspace }
    return workspace.context
  }

  /// Runs the engine until idle and returns its report.
  @discardableResult
  public func runUntilIdle(
    pipelined: Bool = true, faults: FaultInjector = .none, maxInputsPerJob: Int = 32,
    compactEvery: UInt64 = 0, beforeStage: (@Sendable (Stage, UInt64) -> Void)? = nil
  ) throws -> IdleReport {
    var options = EngineOptions()
    options.pipelined = pipelined
    options.backlog = BacklogPolicy(maxInputs: maxInputsPerJob)
    options.beforeStage = beforeStage
    options.pollMillis = 0
    options.compactEvery = compactEvery
    return try Engine(context: try context(faults: faults), options: options).runUntilIdle()
  }

  /// An engine on this directory (for direct calls such as compaction).
  public func engine() throws -> Engine {
    var options = EngineOptions()
    options.compactEvery = 0
    return Engine(context: try context(), options: options)
  }

  /// Every current artifact with its lines, by order id.
  public func artifacts() throws -> [String: ArtifactView] {
    var out: [String: ArtifactView] = [:]
    try ArtifactQuery(context: try context()).forEach(withLines: true) { out[$0.summary.orderID] = $0 }
    return out
  }

  /// Releases the engine lock (so another workspace can open the directory).
  public func close() { workspace = nil }
}

/// The harness could not open its workspace.
public enum HarnessError: Error { case noWorkspace }

/// One JSON event line.
public func eventLine(
  id: String, order: String, kind: String = "charge", amount: String, currency: String = "USD",
  ts: String = "2026-11-27T10:00:00Z", extra: String = ""
) -> String {
  #"{"id":"\#(id)","order_id":"\#(order)","kind":"\#(kind)","amount":"\#(amount)","currency":"\#(currency)","ts":"\#(ts)"\#(extra)}"#
}
