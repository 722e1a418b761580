import Foundation

/// One JSON object printed by the binary, with typed accessors that fail loudly.
struct JSONLine {
  let object: [String: Any]
  private let line: String
  private let command: String

  init(_ line: String, command: String) throws {
    guard let data = line.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw CLITestError.notJSON(command: command, line: line) }
    self.object = object
    self.line = line
    self.command = command
  }

  private init(object: [String: Any], line: String, command: String) {
    self.object = object
    self.line = line
    self.command = command
  }

  /// The keys of the object, sorted.
  var keys: [String] { object.keys.sorted() }

  func string(_ key: String) throws -> String {
    guard let value = object[key] as? String else { throw missing(key) }
    return value
  }

  func int(_ key: String) throws -> Int {
    guard let value = object[key] as? NSNumber else { throw missing(key) }
    return value.intValue
  }

  func bool(_ key: String) throws -> Bool {
    guard let value = object[key] as? Bool else { throw missing(key) }
    return value
  }

  func child(_ key: String) throws -> JSONLine {
    guard let value = object[key] as? [String: Any] else { throw missing(key) }
    return JSONLine(object: value, line: line, command: command)
  }

  func children(_ key: String) throws -> [JSONLine] {
    guard let values = object[key] as? [[String: Any]] else { throw missing(key) }
    return values.map { JSONLine(object: $0, line: line, command: command) }
  }

  /// A map of strings (e.g. `balance`: currency → decimal text).
  func strings(_ key: String) throws -> [String: String] {
    guard let value = object[key] as? [String: String] else { throw missing(key) }
    return value
  }

  private func missing(_ key: String) -> CLITestError {
    .unexpectedJSON(command: command, field: key, line: line)
  }
}
