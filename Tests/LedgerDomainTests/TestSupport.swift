@testable import LedgerDomain

/// The origin every single-line test decodes with.
let testOrigin = EventOrigin(source: "shop", file: "20261127T100000Z_20261127T101500Z.jsonl", line: 7)

/// The fields of a valid event line, in order, as raw JSON values.
let baseFields: [(String, String)] = [
  ("id", #""e1""#), ("order_id", #""o1""#), ("kind", #""charge""#), ("amount", #""12.50""#),
  ("currency", #""USD""#), ("ts", #""2026-11-27T10:00:00Z""#),
]

/// A JSON object line: the base fields with `changes` applied (raw JSON values; `nil` removes
/// the field); keys not in the base are appended in order.
func eventLine(_ changes: KeyValuePairs<String, String?> = [:]) -> String {
  eventLine(pairs: changes.map { ($0.key, $0.value) })
}

/// ``eventLine(_:)`` with the changes as an array.
func eventLine(pairs changes: [(String, String?)]) -> String {
  var fields = baseFields.map { ($0.0, Optional($0.1)) }
  for (key, value) in changes {
    if let index = fields.firstIndex(where: { $0.0 == key }) {
      fields[index].1 = value
    } else {
      fields.append((key, value))
    }
  }
  let members = fields.compactMap { key, value in value.map { "\"\(key)\":\($0)" } }
  return "{" + members.joined(separator: ",") + "}"
}

/// Decodes one line (given as text) with a USD-default decoder.
func decode(_ line: String) -> Result<Event, RejectReason> {
  EventDecoder().decodeJSONLine(Array(line.utf8), origin: testOrigin)
}

/// Decodes one line given as bytes.
func decode(bytes: [UInt8]) -> Result<Event, RejectReason> {
  EventDecoder().decodeJSONLine(bytes, origin: testOrigin)
}

/// The reject reason of a line, or `nil` when it is accepted.
func rejection(_ line: String) -> RejectReason? {
  if case .failure(let reason) = decode(line) { return reason }
  return nil
}

/// The reject reason of a line given as bytes, or `nil` when it is accepted.
func rejection(bytes: [UInt8]) -> RejectReason? {
  if case .failure(let reason) = decode(bytes: bytes) { return reason }
  return nil
}

/// The accepted event of a line, or `nil` when it is rejected.
func accepted(_ line: String) -> Event? {
  try? decode(line).get()
}

/// Runs a batch decoder body over `text`, collecting results.
func collect(
  _ bytes: [UInt8],
  _ run: (UnsafeBufferPointer<UInt8>, (Result<Event, Rejection>) -> Void) -> Void
) -> [Result<Event, Rejection>] {
  var results: [Result<Event, Rejection>] = []
  bytes.withUnsafeBufferPointer { buffer in run(buffer) { results.append($0) } }
  return results
}

extension Result where Success == Event, Failure == Rejection {
  /// The event, or `nil`.
  var event: Event? { try? get() }
  /// The rejection, or `nil`.
  var rejection: Rejection? {
    if case .failure(let rejection) = self { return rejection }
    return nil
  }
}
