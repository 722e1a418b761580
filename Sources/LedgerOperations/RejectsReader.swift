import LedgerEngine
import LedgerSystem

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
    /// The rejected line's text (at most 512 bytes, as the engine kept it).
    public var excerpt: String = ""

    /// The record as `rejects --json` prints it: the rejects file's fields and the batch.
    public func jsonWithBatch() throws -> String {
      try JSONOutput.line(
        Printed(
          batch: batch, source: source, file: file, line: line, rule: rule, reason: reason, excerpt: excerpt))
    }

    private struct Printed: Encodable {
      var batch: UInt64
      var source: String
      var file: String
      var line: Int
      var rule: String
      var reason: String
      var excerpt: String
    }

    /// `batch N: source/file:line: reason [rule]`, each stored value shown through
    /// ``TerminalText/escaped(_:)`` (a reason quotes the rejected value, which may hold control
    /// characters: they print as visible escapes, `\u{1B}`).
    public var text: String {
      let t = TerminalText.escaped
      return "batch \(batch): \(t(source))/\(t(file)):\(line): \(t(reason)) [\(t(rule))]"
    }
  }

  let paths: EnginePaths

  public init(paths: EnginePaths) {
    self.paths = paths
  }

  /// Every rejected line, by batch then file order; only `batch` when given.
  public func lines(batch: UInt64? = nil) throws -> [Line] {
    var out: [Line] = []
    for name in try FileSystem.listIfPresent(paths.rejects).sorted() where !name.hasPrefix(".") {
      guard let job = UInt64(name.prefix { $0.isNumber }), batch == nil || batch == job else { continue }
      let path = "\(paths.rejects)/\(name)"
      let text = try FileSystem.readText(path)
      for (number, raw) in text.split(separator: "\n").enumerated() {
        let record: RejectsFile.Record
        do {
          record = try JSONOutput.decode(RejectsFile.Record.self, from: raw)
        } catch {
          throw RejectsReaderError.unreadable(path: path, line: number + 1, detail: "\(error)")
        }
        out.append(
          Line(
            batch: job, json: String(raw), source: record.source, file: record.file,
            line: record.line, rule: record.rule, reason: record.reason, excerpt: record.excerpt))
      }
    }
    return out
  }
}

/// A rejects file that is not what the engine writes.
public enum RejectsReaderError: Error, Sendable, CustomStringConvertible {
  case unreadable(path: String, line: Int, detail: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let line, let detail):
      "\(path):\(line) is not a rejects record (\(detail)); the file was changed by hand or is damaged — re-run the batch to rewrite it"
    }
  }
}
