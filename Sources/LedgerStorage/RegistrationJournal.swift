import Glibc
import LedgerSystem

/// `archive/registrations.jsonl`: every input batch in the order it was registered, appended
/// (and synced) just before the workflow ledger records it, and how batches were grouped into
/// jobs (and set aside), so a rebuild gives the same jobs, hence the same versions. It lives beside the evidence it
/// orders, so a lost ledger can be rebuilt from `archive/` alone with the original order of
/// application (`ledgerline rebuild`). A crash between the append and the ledger's commit
/// leaves a line whose batch is registered again by the next scan: readers keep the first line
/// of each (source, name).
public struct RegistrationJournal: Sendable {
  /// One registered input batch.
  public struct Entry: Codable, Sendable, Equatable {
    public var source: String
    public var name: String
    public var from: Int64
    public var to: Int64
    public var bytes: Int64
    public var sha256: String?
    public var scan: Int64
    /// The file's segments, when it was registered in more than one (absent otherwise).
    public var segments: [InputSegment]?

    /// The entry of `batch`.
    public init(_ batch: NewInputBatch) {
      source = batch.source
      name = batch.name
      from = batch.from
      to = batch.to
      bytes = batch.bytes
      sha256 = batch.sha256
      scan = batch.scan
      segments = batch.segments.isEmpty ? nil : batch.segments
    }

    /// The batch to register again, archived at `archive/<source>/<name>`.
    public var batch: NewInputBatch {
      NewInputBatch(
        source: source, name: name, from: from, to: to, bytes: bytes,
        archivePath: "archive/\(source)/\(name)", scan: scan, sha256: sha256, segments: segments ?? [])
    }
  }

  /// The journal's file name in `archive/`.
  public static let fileName = "registrations.jsonl"

  /// The journal's path.
  public let path: String

  /// The journal of the archive folder `archive`.
  public init(archive: String) {
    path = archive + "/" + Self.fileName
  }

  /// A change to how registered batches are grouped: a job and its inputs (the last line of a
  /// job number wins), an input set aside, or one released.
  public struct GroupingEntry: Codable, Sendable, Equatable {
    /// `job`, `quarantine` or `release`.
    public var event: String
    public var job: UInt64?
    /// `source/name` of each input of the job.
    public var inputs: [String]?
    /// `source/name` of the input set aside or released.
    public var input: String?
  }

  /// What the journal says, for a rebuild.
  public struct Replay: Sendable, Equatable {
    /// Registrations, first line of each (source, name), in order.
    public var registrations: [Entry]
    /// Every job's inputs (`source/name`) as last recorded, by job number.
    public var jobs: [UInt64: [String]]
    /// Inputs (`source/name`) set aside and not released.
    public var quarantined: Set<String>
  }

  /// Appends `batches` in order, one JSON line each, and syncs the file.
  public func append(_ batches: [NewInputBatch]) throws {
    guard !batches.isEmpty else { return }
    try write(batches.map { try JSONOutput.line(Entry($0)) })
  }

  /// Records that job `seq` takes `inputs` (`source/name`, in order).
  public func appendJob(_ seq: UInt64, inputs: [String]) throws {
    try write([JSONOutput.line(GroupingEntry(event: "job", job: seq, inputs: inputs, input: nil))])
  }

  /// Records that `input` was set aside from job `seq`, which keeps `remaining`.
  public func appendQuarantine(_ input: String, job seq: UInt64, remaining: [String]) throws {
    try write([
      JSONOutput.line(GroupingEntry(event: "quarantine", job: seq, inputs: remaining, input: input))
    ])
  }

  /// Records that `input` was released.
  public func appendRelease(_ input: String) throws {
    try write([JSONOutput.line(GroupingEntry(event: "release", job: nil, inputs: nil, input: input))])
  }

  private func write(_ lines: [String]) throws {
    let text = lines.map { $0 + "\n" }.joined()
    try FileSystem.makeDirectories(FileSystem.parent(of: path))
    let fd = try FileSystem.open(path, O_WRONLY | O_APPEND | O_CREAT)
    defer { FileSystem.close(fd) }
    try Array(text.utf8).withUnsafeBytes { raw in
      Result { () throws(FileSystemError) in try FileSystem.writeAll(fd, raw, path: path) }
    }.get()
    try FileSystem.sync(fd, path: path)
  }

  /// Every entry, first line of each (source, name) only, in registration order; `[]` when
  /// there is no journal. A torn last line (a crash mid-append) is ignored; any other
  /// unreadable line throws, naming it.
  public func entries() throws -> [Entry] {
    try replay().registrations
  }

  /// Everything the journal records, lines in order (a torn last line ignored).
  public func replay() throws -> Replay {
    var replay = Replay(registrations: [], jobs: [:], quarantined: [])
    guard FileSystem.exists(path) else { return replay }
    let text = try FileSystem.readText(path)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var seen = Set<String>()
    for (index, line) in lines.enumerated() where !line.isEmpty {
      do {
        if line.contains("\"event\":") {
          let entry = try JSONOutput.decode(GroupingEntry.self, from: line)
          switch entry.event {
          case "job": if let job = entry.job { replay.jobs[job] = entry.inputs ?? [] }
          case "quarantine":
            if let job = entry.job { replay.jobs[job] = entry.inputs ?? [] }
            if let input = entry.input { replay.quarantined.insert(input) }
          default: if let input = entry.input { replay.quarantined.remove(input) }
          }
        } else {
          let entry = try JSONOutput.decode(Entry.self, from: line)
          if seen.insert(entry.source + "/" + entry.name).inserted { replay.registrations.append(entry) }
        }
      } catch {
        if index == lines.count - 1 { break }  // torn tail: never synced, never applied
        throw RegistrationJournalError.unreadable(path: path, line: index + 1, detail: "\(error)")
      }
    }
    return replay
  }
}

/// A journal line that is not what the engine writes.
public enum RegistrationJournalError: Error, Sendable, Equatable, CustomStringConvertible {
  case unreadable(path: String, line: Int, detail: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let line, let detail):
      "\(path):\(line) is not a registration record (\(detail)); the journal was edited or damaged — restore it from a backup"
    }
  }
}
