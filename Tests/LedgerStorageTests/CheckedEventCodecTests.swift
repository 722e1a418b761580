import LedgerDomain
import Testing

@testable import LedgerStorage

/// Reduce encodes accepted JSON Lines lines from their checked fields, never building an `Event`:
/// the bytes must be those of the event path, and every line must be accepted or rejected alike.
struct CheckedEventCodecTests {
  /// Lines mixing what the rules and the codec treat apart: escapes, unicode, numbers as
  /// amounts, optional fields absent, null or present, corrections, unknown fields, and broken
  /// lines of every kind.
  static func lines(seed: UInt64, count: Int) -> [String] {
    var random = SeededRandom(seed: seed)
    func pick<T>(_ options: [T]) -> T { options[random.next(below: options.count)] }
    // Each field broken about once in twelve lines: most lines are accepted, many are not.
    func field(_ valid: [String], broken: [String] = []) -> String {
      broken.isEmpty || random.next(below: 12) != 0 ? pick(valid) : pick(broken)
    }
    var lines: [String] = []
    for n in 0..<count {
      var fields: [String] = []
      fields.append(field([#""id":"e-\#(n)""#, #""id":"e\"\#(n)\u00e9""#], broken: [#""id":"""#, #""id":7"#, ""]))
      fields.append(
        field(
          [#""order_id":"ord-\#(n % 7)""#, #""order_id":"o\u0041-\#(n % 3)""#, #""order_id":"é-\#(n % 2)""#],
          broken: [""]))
      let kind = field(["charge", "payment", "refund", "correction", "chargeback"], broken: ["nonsense"])
      fields.append(#""kind":"\#(kind)""#)
      fields.append(
        field(
          [#""amount":"12.50""#, #""amount":-3"#, #""amount":"7""#], broken: [#""amount":"1.234""#, #""amount":"x""#]))
      fields.append(
        field([#""currency":"USD""#, #""currency":"JPY""#, #""currency":"EUR""#], broken: [#""currency":"ZZZ""#]))
      fields.append(
        field(
          [#""ts":"2026-11-27T10:00:00Z""#, #""ts":"2026-11-27T10:00:00.123+01:00""#], broken: [#""ts":"soon""#]))
      fields.append(pick(["", #""entity":"acme-\#(n % 4)""#, #""entity":null"#]))
      fields.append(
        pick([
          "", #""memo":"line\nbreak \u263A""#, #""memo":null"#, #""memo":"""#,
          // Longer than any event's scratch space on the stack.
          #""memo":"\#(String(repeating: "long memo ", count: 900))""#,
        ]))
      let correction = kind == "correction"
      fields.append(
        correction ? field([#""reason":"typo""#], broken: [#""reason":"""#, ""]) : pick(["", #""reason":"x""#]))
      fields.append(correction ? field([#""author":"ops""#], broken: [""]) : pick(["", #""author":"ops""#]))
      fields.append(pick(["", "", #""extra":{"a":[1,2]}"#, #""z\u0041":true"#]))
      let object = "{" + fields.filter { !$0.isEmpty }.shuffled(using: &random).joined(separator: ",") + "}"
      lines.append(field([object], broken: [object + " x", "[" + object + "]", "   ", "{" + object]))
    }
    return lines
  }

  @Test(arguments: [UInt64(1), 2, 3, 4])
  func checkedFieldsEncodeAsTheEventAndRejectAlike(seed: UInt64) throws {
    let text = Self.lines(seed: seed, count: 400).joined(separator: "\n")
    let bytes = Array("\u{FEFF}".utf8) + Array(text.utf8)
    let decoder = JSONLinesBatchDecoder(decoder: EventDecoder(), source: "web", file: "f.jsonl")
    var viaEvents: [(line: Int, bytes: [UInt8])] = []
    var rejectedViaEvents: [Rejection] = []
    let blankViaEvents = bytes.withUnsafeBufferPointer { buffer in
      decoder.decode(buffer) { result in
        switch result {
        case .success(let event):
          var writer = ByteWriter()
          ArtifactCodec.write(event, to: &writer, containerOrderID: event.orderID)
          viaEvents.append((event.origin.line, writer.bytes))
        case .failure(let rejection):
          rejectedViaEvents.append(rejection)
        }
      }
    }
    var checked: [(line: Int, bytes: [UInt8])] = []
    var rejected: [Rejection] = []
    let blank = bytes.withUnsafeBufferPointer { buffer in
      decoder.decodeChecked(
        buffer, range: 0..<buffer.count, firstLine: 1,
        accepted: { fields, line in
          var writer = ByteWriter()
          ArtifactCodec.write(fields, source: "web", file: "f.jsonl", line: line, to: &writer)
          checked.append((line, writer.bytes))
        }, rejected: { rejected.append($0) })
    }
    #expect(viaEvents.count > 20 && rejectedViaEvents.count > 20, "the lines exercise both paths")
    #expect(blank == blankViaEvents)
    #expect(checked.map(\.line) == viaEvents.map(\.line))
    for (a, b) in zip(checked, viaEvents) { #expect(a.bytes == b.bytes, "line \(a.line)") }
    #expect(rejected == rejectedViaEvents)
  }
}
