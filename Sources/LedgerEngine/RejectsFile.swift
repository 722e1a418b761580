import LedgerDomain

/// `rejects/<job>.jsonl`: every rejected line of a job, with file, line, rule and reason.
public enum RejectsFile {
  /// One rejected line as a JSON object.
  public static func line(_ r: Rejection) -> String {
    JSONText.object([
      ("source", JSONText.quote(r.origin.source)), ("file", JSONText.quote(r.origin.file)),
      ("line", String(r.origin.line)), ("rule", JSONText.quote(r.reason.rule)),
      ("reason", JSONText.quote(r.reason.description)), ("excerpt", JSONText.quote(r.excerpt)),
    ])
  }

  /// Writes `rejections` to `path` atomically (a re-run replaces the file, never appends).
  static func write(_ rejections: [Rejection], to path: String) throws {
    var text = ""
    for r in rejections {
      text += line(r)
      text += "\n"
    }
    try FileOps.writeAtomically(Array(text.utf8), to: path)
  }
}
