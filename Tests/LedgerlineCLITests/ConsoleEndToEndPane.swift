import Foundation

/// One capture of the tmux pane, read the way a person reads the console: rows of the line
/// view's job table, the batch detail's counts, the artifact view's version and balances.
struct ConsoleEndToEndPane: Sendable {
  /// The captured text, one string per row (tmux drops trailing spaces).
  let lines: [String]

  init(_ text: String) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    self.lines = lines
  }

  /// The whole pane, for failure messages.
  var text: String { lines.joined(separator: "\n") }

  /// Whether any row contains `needle`.
  func contains(_ needle: String) -> Bool { lines.contains { $0.contains(needle) } }

  /// Whether some row is exactly `line`.
  func hasLine(_ line: String) -> Bool { lines.contains(line) }

  /// The line view's column header row, if the line view is on screen.
  var columnHeader: String? { lines.first { $0.hasPrefix("  job ") && $0.contains(" done ") } }

  /// The line view's jobs: sequence number → the word of the `done` column (`done`, `failed`,
  /// `running`, `waiting`, `retrying`), read under the column's header; glyphs are ignored so
  /// the ASCII fallback reads the same.
  var jobStates: [UInt64: String] {
    guard let header = columnHeader, let column = Self.offset(of: " done ", in: header).map({ $0 + 1 })
    else { return [:] }
    var states: [UInt64: String] = [:]
    for line in lines {
      guard let seq = Self.jobNumber(line) else { continue }
      let cell = Array(line).dropFirst(column).prefix(11)
      if let word = String(cell).split(separator: " ").last { states[seq] = String(word) }
    }
    return states
  }

  /// The job on the selected row (the one with the pointer).
  var selectedJob: UInt64? {
    lines.first { $0.hasPrefix("› #") || $0.hasPrefix("> #") }.flatMap(Self.jobNumber)
  }

  /// The artifact view's version (`… │ version 12`), if shown.
  var artifactVersion: Int? {
    guard let header = lines.first, header.hasPrefix(" Order "),
      let range = header.range(of: "version ", options: .backwards)
    else { return nil }
    return Int(header[range.upperBound...].prefix { $0.isNumber })
  }

  /// The artifact view's balance table: currency → (debits, credits, balance) as shown.
  var balances: [String: [String]] {
    guard let start = lines.firstIndex(where: { $0.hasPrefix(" cur ") && $0.hasSuffix("balance") })
    else { return [:] }
    var table: [String: [String]] = [:]
    for line in lines[(start + 1)...] {
      let fields = line.split(separator: " ").map(String.init)
      guard fields.count == 4 else { break }
      table[fields[0]] = Array(fields[1...])
    }
    return table
  }

  /// `#12` at the start of a job row (after the two-column pointer), if this is one.
  private static func jobNumber(_ line: String) -> UInt64? {
    let characters = Array(line)
    guard characters.count > 3, characters[2] == "#" else { return nil }
    return UInt64(String(characters[3...].prefix { $0.isNumber }))
  }

  /// The character offset of `needle` in `line`.
  private static func offset(of needle: String, in line: String) -> Int? {
    guard let range = line.range(of: needle) else { return nil }
    return line.distance(from: line.startIndex, to: range.lowerBound)
  }
}
