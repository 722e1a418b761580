import LedgerSystem

/// What `ledgerline verify` found: how much it checked, the problems (the store is whole when
/// there are none) and the notices. Lists hold the first ``StoreVerifier/listLimit`` findings of
/// each severity; the counts hold all of them.
public struct StoreVerification: Sendable, Equatable {
  /// The data directory checked.
  public var dataDirectory: String
  /// Index entries checked (one current artifact each).
  public var artifacts = 0
  /// Line-segment records checked.
  public var segments = 0
  /// Distinct part files the live records lie in.
  public var partFiles = 0
  /// Registered input batches checked against the archive.
  public var inputBatches = 0
  /// The first problems found, in the order found.
  public var problems: [StoreFinding] = []
  /// How many problems were found in all.
  public var problemCount = 0
  /// The first notices.
  public var notices: [StoreFinding] = []
  /// How many notices in all.
  public var noticeCount = 0

  /// An empty report on `dataDirectory`.
  public init(dataDirectory: String) {
    self.dataDirectory = dataDirectory
  }

  /// Nothing lost, nothing doubled: no problem found (notices allowed).
  public var isWhole: Bool { problemCount == 0 }

  /// The report as one line of JSON (`verify --json`).
  public func json() throws -> String {
    try JSONOutput.line(self)
  }

  /// A terminal rendering: what was checked, each problem and notice on its own line, and the
  /// verdict last.
  public func text() -> String {
    var out = "checked \(dataDirectory): \(artifacts) artifact\(artifacts == 1 ? "" : "s"), "
    out += "\(segments) line segment\(segments == 1 ? "" : "s") in \(partFiles) part file\(partFiles == 1 ? "" : "s"), "
    out += "\(inputBatches) archived input batch\(inputBatches == 1 ? "" : "es")\n"
    for problem in problems { out += "problem: \(problem)\n" }
    out += Self.more(problemCount - problems.count, "problem")
    for notice in notices { out += "notice: \(notice)\n" }
    out += Self.more(noticeCount - notices.count, "notice")
    if isWhole {
      out += "the store is whole: every live record reads back and adds up, every archived input matches its record"
      out += noticeCount == 0 ? "\n" : " (\(noticeCount) notice\(noticeCount == 1 ? "" : "s"))\n"
    } else {
      out += "the store is NOT whole: \(problemCount) problem\(problemCount == 1 ? "" : "s") (above)\n"
    }
    return out
  }

  private static func more(_ count: Int, _ noun: String) -> String {
    count > 0 ? "… and \(count) more \(noun)\(count == 1 ? "" : "s") not listed\n" : ""
  }
}

extension StoreVerification: Encodable {
  enum CodingKeys: String, CodingKey {
    case whole, checked, problems, notices
    case dataDirectory = "data_directory", problemCount = "problem_count", noticeCount = "notice_count"
  }

  /// What was checked, as `verify --json` prints it.
  struct Checked: Encodable {
    var artifacts: Int
    var segments: Int
    var partFiles: Int
    var inputBatches: Int

    enum CodingKeys: String, CodingKey {
      case artifacts, segments
      case partFiles = "part_files", inputBatches = "input_batches"
    }
  }

  /// `{"checked":{…},"data_directory":…,"notice_count":…,"notices":[…],"problem_count":…,
  /// "problems":[…],"whole":true}`
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(isWhole, forKey: .whole)
    try container.encode(dataDirectory, forKey: .dataDirectory)
    try container.encode(
      Checked(artifacts: artifacts, segments: segments, partFiles: partFiles, inputBatches: inputBatches),
      forKey: .checked)
    try container.encode(problemCount, forKey: .problemCount)
    try container.encode(problems, forKey: .problems)
    try container.encode(noticeCount, forKey: .noticeCount)
    try container.encode(notices, forKey: .notices)
  }
}
