import Foundation

/// The one JSON writer: every `--json` output and every JSON Lines file Ledgerline writes goes
/// through `Codable` types and this encoder (keys sorted, so output is stable; `/` unescaped;
/// control characters escaped as JSON requires). A field that must read `null` when unknown is a
/// ``JSONNullable``; a number known only as text (an input's extra field) is a ``JSONNumber``.
/// The only JSON built by hand is input text (CSV extras, generated batches), with the domain's
/// `JSONStringLiteral`.
public enum JSONOutput {
  /// `value` as one line of compact JSON (no trailing newline).
  public static func line<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// `value` as compact JSON bytes.
  public static func data<T: Encodable>(_ value: T) throws -> Data {
    try encoder.encode(value)
  }

  /// Decodes one JSON value written by ``line(_:)``.
  public static func decode<T: Decodable>(_ type: T.Type, from text: some StringProtocol) throws -> T {
    try JSONDecoder().decode(type, from: Data(text.utf8))
  }

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }
}
