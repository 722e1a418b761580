import Glibc
import LedgerSystem

/// `archive/registrations.jsonl`: every input batch in the order it was registered, appended
/// (and synced) just before the workflow ledger records it. It lives beside the evidence it
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

    /// The entry of `batch`.
    public init(_ batch: NewInputBatch) {
      source = batch.source
      name = batch.name
      from = batch.from
      to = batch.to
      bytes = batch.bytes
      sha256 = batch.sha256
      scan = batch.scan
    }

    /// The batch to register again, archived at `archive/<source>/<name>`.
    public var batch: NewInputBatch {
      NewInputBatch(
        source: source, name: name, from: from, to: to, bytes: bytes,
        archivePath: "archive/\(source)/\(name)", scan: scan, sha256: sha256)
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

  /// Appends `batches` in order, one JSON line each, and syncs the file.
  public func append(_ batches: [NewInputBatch]) throws {
    guard !batches.isEmpty else { return }
    var text = ""
    for batch in batches { text += try JSONOutput.line(Entry(batch)) + "\n" }
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
    guard FileSystem.exists(path) else { return [] }
    let text = try FileSystem.readText(path)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var seen = Set<String>()
    var out: [Entry] = []
    for (index, line) in lines.enumerated() where !line.isEmpty {
      let entry: Entry
      do {
        entry = try JSONOutput.decode(Entry.self, from: line)
      } catch {
        if index == lines.count - 1 { break }  // torn tail: never synced, never registered
        throw RegistrationJournalError.unreadable(path: path, line: index + 1, detail: "\(error)")
      }
      if seen.insert(entry.source + "/" + entry.name).inserted { out.append(entry) }
    }
    return out
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
