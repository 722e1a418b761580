/// Why a whole input batch file was refused (SPEC §2). A refused file stays in the inbox,
/// untouched and unread, so the operator can see it; each message says how to fix it.
public enum FileRefusal: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file name is not `<from>_<to>.jsonl` or `<from>_<to>.csv`; `detail` says which part.
  case badName(name: String, detail: String)
  /// `<from>` is not before `<to>`: the half-open interval `[from, to)` holds no instant.
  case emptyInterval(name: String)
  /// The interval overlaps the one of `registered`, a batch already registered for the source.
  case overlaps(name: String, registered: String)
  /// A batch with exactly this name was already registered for the source.
  case alreadyRegistered(name: String)
  /// The inbox directory name is not a valid source name.
  case badSource(source: String)
  /// Not a regular file (a symbolic link, FIFO, socket or device): refused without being read.
  case notRegularFile(name: String, kind: String)
  /// The same bytes as `registered` (any source, any name): a repeated delivery.
  case duplicateContent(name: String, registered: String)
  /// A registered name delivered again with different bytes; the archived evidence stays.
  case changedRedelivery(name: String)

  /// What was refused, why, and what to do about it.
  public var description: String {
    switch self {
    case .badName(let name, let detail):
      "input file \"\(name)\" refused: \(detail); rename it to <from>_<to>.jsonl or "
        + "<from>_<to>.csv with UTC instants in YYYYMMDDTHHMMSSZ form, e.g. "
        + "20261127T100000Z_20261127T101500Z.jsonl"
    case .emptyInterval(let name):
      "input file \"\(name)\" refused: its interval is empty (<from> must be before <to>); "
        + "rename it to the interval in which its events arrived"
    case .overlaps(let name, let registered):
      "input file \"\(name)\" refused: its interval overlaps the registered batch "
        + "\"\(registered)\" of the same source; batches of one source must not overlap, so "
        + "remove it if it repeats those events or rename it to an interval that starts at or "
        + "after the end of \"\(registered)\""
    case .alreadyRegistered(let name):
      "input file \"\(name)\" refused: a batch with this name is already registered for this "
        + "source; remove it if it is a repeated delivery, or rename it to the interval it covers"
    case .notRegularFile(let name, let kind):
      "input file \"\(name)\" refused: it is a \(kind), not a regular file, and was not read; "
        + "producers must write a regular file and rename it into the inbox"
    case .duplicateContent(let name, let registered):
      "input file \"\(name)\" refused: its content is byte for byte the registered batch "
        + "\"\(registered)\"; a repeated delivery is never applied twice — remove it"
    case .changedRedelivery(let name):
      "input file \"\(name)\" refused: a batch with this name is registered and its archived "
        + "copy is missing, but these bytes differ from the ones registered; restore the original "
        + "into archive/ or deliver the new events under a new interval"
    case .badSource(let source):
      "inbox directory \"\(source)\" refused: a source name must match [a-z0-9][a-z0-9-]{0,63} "
        + "(lowercase letters, digits and '-', at most 64 bytes); rename the directory"
    }
  }
}
