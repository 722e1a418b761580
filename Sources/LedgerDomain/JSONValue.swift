/// One JSON value as a tree: what an ``ExtraField``'s raw JSON text holds, for a writer that
/// builds its output from values and cannot splice raw text (the JSON writer, `JSONEncoder`).
///
/// Strings are decoded (escapes resolved). A number keeps its exact text as written (`1E+2`,
/// `-0.50`, a 40-digit integer): it is never parsed through floating point here, so the writer
/// decides how to write it without losing a digit. An object holds each key once (repeated keys
/// are refused, as on input) and no member order: JSON objects are unordered, and the writer
/// sorts keys.
public enum JSONValue: Sendable, Hashable {
  case string(String)
  /// A number's exact text, as RFC 8259 spells numbers.
  case number(String)
  case bool(Bool)
  case null
  case array([JSONValue])
  case object([String: JSONValue])

  /// Parses `text`: exactly one JSON value, with optional whitespace around it, read as
  /// strictly as event lines (RFC 8259, no repeated keys, at most 128 levels of nesting).
  public init(parsing text: String) throws(JSONValueError) {
    var utf8 = text
    let result: Result<JSONValue, JSONSyntaxError> = utf8.withUTF8 { bytes in
      var scanner = JSONScanner(bytes)
      do throws(JSONSyntaxError) {
        return .success(try scanner.parseDocument())
      } catch {
        return .failure(error)
      }
    }
    switch result {
    case .success(let value): self = value
    case .failure(let error): throw .invalid(text: text, detail: error.detail)
    }
  }
}

/// Text that is not one JSON value.
public enum JSONValueError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `text` (the whole text given) failed to parse; `detail` says where and why.
  case invalid(text: String, detail: String)

  public var description: String {
    switch self {
    case .invalid(let text, let detail):
      "\"\(RejectExcerpt.value(Array(text.utf8)))\" is not one JSON value: \(detail)"
    }
  }
}

extension ExtraField {
  /// The field's value as a tree, parsed from ``rawJSON``. Extras are validated when their line
  /// is accepted (JSON Lines) or built by ``JSONStringLiteral`` (CSV), so this throws only for
  /// text that did not come from an accepted line (a damaged or hand-edited part file).
  public func value() throws(JSONValueError) -> JSONValue {
    try JSONValue(parsing: rawJSON)
  }
}
