import Foundation

/// Reads `rejects/`: the quarantined lines of every batch.
public struct RejectsReader: Sendable {
  /// One rejected line.
  public struct Line: Sendable {
    public var batch: UInt64
    public var json: String
    public var source: String
    public var file: String
    public var line: Int
    public var rule: String
    public var reason: String

    /// `source/file:line: reason [rule]`.
    public var text: String { "batch \(batch): \(source)/\(file):\(line): \(reason) [\(rule)]" }
  }

  let paths: EnginePaths

  public init(paths: EnginePaths) {
    self.paths = paths
  }

  /// Every rejected line, by batch then file order; only `batch` when given.
  public func lines(batch: UInt64? = nil) throws -> [Line] {
    var out: [Line] = []
    for name in FileOps.list(paths.rejects).sorted() where !name.hasPrefix(".") {
      guard let job = UInt64(name.prefix { $0.isNumber }), batch == nil || batch == job else { continue }
      let text = String(decoding: try FileOps.read("\(paths.rejects)/\(name)"), as: UTF8.self)
      for raw in text.split(separator: "\n") {
        guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else { continue }
        out.append(
          Line(
            batch: job, json: String(raw), source: object["source"] as? String ?? "",
            file: object["file"] as? String ?? "", line: object["line"] as? Int ?? 0,
            rule: object["rule"] as? String ?? "", reason: object["reason"] as? String ?? ""))
      }
    }
    return out
  }
}
