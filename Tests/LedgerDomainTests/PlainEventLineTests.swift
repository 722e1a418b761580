import Testing

@testable import LedgerDomain

/// The one-pass reading of lines of the usual shape (``PlainEventLine``) against the general
/// path (``EventDecoder/checkInGeneral(_:reusing:_:)``): on every line, the same event or the
/// same reason.
@Suite struct PlainEventLineTests {
  /// What a line decodes to on one path.
  enum Outcome: Equatable {
    case accepted(Event)
    case rejected(RejectReason)
  }

  func outcome(_ bytes: [UInt8], general: Bool) -> Outcome {
    var keys = PlainEventLine.KeyOrder()
    return outcome(bytes, general: general, keys: &keys)
  }

  /// The outcome on one path, the one-pass reading guessing keys from `keys` (the order of the
  /// last line it read, as a batch decoder keeps it).
  func outcome(_ bytes: [UInt8], general: Bool, keys: inout PlainEventLine.KeyOrder) -> Outcome {
    let decoder = EventDecoder()
    var members: [JSONScanner.Member] = []
    var event: Event?
    let reason = bytes.withUnsafeBufferPointer { line in
      general
        ? decoder.checkInGeneral(line, reusing: &members) { event = $0.event(origin: testOrigin) }
        : decoder.checkJSONLine(line, reusing: &members, keys: &keys) { event = $0.event(origin: testOrigin) }
    }
    if let reason { return .rejected(reason) }
    guard let event else {
      Issue.record("a line neither accepted nor rejected")
      return .rejected(.notAnObject)
    }
    return .accepted(event)
  }

  func takesOnePass(_ bytes: [UInt8]) -> Bool {
    var order = PlainEventLine.KeyOrder()
    return bytes.withUnsafeBufferPointer { PlainEventLine.fields($0, order: &order) != nil }
  }

  @Test func everyLineDecodesAsTheGeneralPathDecodesIt() {
    var generator = EventLineGenerator(seed: 0x0AE5_11AE)
    var onePass = (accepted: 0, rejected: 0)
    var general = 0
    // The key order carries from line to line, as in a batch: guesses right and wrong.
    var keys = PlainEventLine.KeyOrder()
    for _ in 0..<20_000 {
      let bytes = generator.line()
      let fast = outcome(bytes, general: false, keys: &keys)
      let slow = outcome(bytes, general: true)
      #expect(fast == slow, "\(String(decoding: bytes, as: UTF8.self))")
      if takesOnePass(bytes) {
        if case .accepted = fast { onePass.accepted += 1 } else { onePass.rejected += 1 }
      } else {
        general += 1
      }
    }
    // The corpus reaches both paths, and both outcomes on the one-pass path (a comparison on
    // lines that all go the general way would prove nothing).
    #expect(onePass.accepted >= 3_000)
    #expect(onePass.rejected >= 1_000)
    #expect(general >= 3_000)
  }

  /// Every guessed key's word spells its name (then its closing quote, for names under eight
  /// bytes), as the bytes of a line load.
  @Test(arguments: KnownField.allCases)
  func quotedNameWordsSpellTheNames(field: KnownField) {
    let name = Array(field.name.utf8)
    let spelled = Array((name + [UInt8(ascii: "\"")]).prefix(8))
    var word: UInt64 = 0
    var mask: UInt64 = 0
    for (i, byte) in spelled.enumerated() {
      word |= UInt64(byte) << UInt64(8 * i)
      mask |= 0xFF << UInt64(8 * i)
    }
    let table = PlainEventLine.quotedNameWord(field)
    #expect(table.word == word && table.mask == mask && table.count == name.count)
  }

  /// The key order records every field at every position it can hold one.
  @Test func aKeyOrderGivesBackEveryField() {
    for field in KnownField.allCases {
      for position in 0..<KnownField.allCases.count {
        var order = PlainEventLine.KeyOrder()
        order.codes = UInt64(field.rawValue + 1) << UInt64(4 * position)
        #expect(order.field(at: position) == field)
        #expect(position == 0 || order.field(at: position - 1) == nil)
      }
    }
  }

  /// A guess from the last line's key order never changes what a line decodes to: keys in
  /// another order, a key that starts with a guessed name, a repeated key, a key cut by the end
  /// of the line, each read right after a line that set the guess.
  @Test func aWrongGuessOfTheNextKeyChangesNothing() {
    let previous = Array(eventLine(["entity": #""acme""#, "memo": #""m""#]).utf8)
    let lines = [
      #"{"order_id":"o1","id":"e1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
      #"{"idx":"e1","order_id":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
      #"{"id":"e1","order_idd":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
      #"{"id":"e1","id":"e2","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
      #"{"id":"e1","order_id":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z","memos":"x"}"#,
      #"{"id":"e1","order_id":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z","memo"#,
      #"{"id":"e1","order_id":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z","me"#,
      #"{"id":"e1","order_id":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z","memo":"m","memo":"n"}"#,
      #"{"id" :"e1","order_id":"o1","kind":"charge","amount":"1.00","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#,
    ]
    for line in lines {
      var keys = PlainEventLine.KeyOrder()
      #expect(outcome(previous, general: false, keys: &keys) == outcome(previous, general: true))
      #expect(keys.field(at: 6) == .entity && keys.field(at: 7) == .memo)
      let bytes = Array(line.utf8)
      #expect(outcome(bytes, general: false, keys: &keys) == outcome(bytes, general: true), "\(line)")
    }
  }

  @Test func theUsualLinesTakeOnePass() {
    let lines = [
      eventLine(),
      eventLine(["entity": #""acme-us""#, "memo": #""café order #A-17""#]),
      eventLine(["amount": "71.78", "entity": "null"]),
      #" { "id" : "e1" ,"order_id":"o1","kind":"charge","amount":"1","currency":"JPY","ts":"2026-11-27T10:00:00Z" } "#,
      eventLine(["kind": #""correction""#, "reason": #""typo""#, "author": #""ana""#]),
      eventLine(["amount": "true"]),  // rejected by the rules, on the same values
      eventLine(["amount": "-0.5e3"]),
    ]
    for line in lines {
      #expect(takesOnePass(Array(line.utf8)), "\(line)")
    }
  }

  @Test func aSpecialByteAnywhereInALongStringIsSeen() {
    // Strings are scanned sixteen bytes at a time: put each byte that ends or spoils a plain
    // string at every offset of a long memo, and both paths must agree on every line.
    let specials: [[UInt8]] = [
      [0x5C, 0x6E], [0x00], [0x1F], [0x7F], [0xC3, 0xA9], [0xFF], [0xE2, 0x82, 0xAC], [0x22],
    ]
    let memo = Array(repeating: UInt8(ascii: "m"), count: 40)
    for special in specials {
      for offset in 0...memo.count {
        var value = memo
        value.insert(contentsOf: special, at: offset)
        let line = Array(eventLine(["memo": "\"#\""]).utf8)
        let at = line.firstIndex(of: UInt8(ascii: "#"))!
        var bytes = line
        bytes.replaceSubrange(at...at, with: value)
        let plain = special == [0x7F] || special == [0xC3, 0xA9] || special == [0xE2, 0x82, 0xAC]
        #expect(takesOnePass(bytes) == plain, "\(special) at \(offset)")
        #expect(outcome(bytes, general: false) == outcome(bytes, general: true), "\(special) at \(offset)")
      }
    }
  }

  @Test func linesOutsideTheUsualShapeGoTheGeneralWay() {
    let lines: [[UInt8]] =
      [
        eventLine(["memo": #""a\"b""#]),
        eventLine(["id": #""\u0065""#]),
        eventLine(["note": #""x""#]),
        #"{"id":"e1","id":"e2"}"#,
        eventLine(["memo": #"{"a":1}"#]),
        eventLine(["memo": "[1]"]),
        eventLine(["amount": "01"]),
        eventLine(["amount": "1."]),
        eventLine(["amount": "-"]),
        eventLine(["amount": "1e"]),
        eventLine(["memo": "nul"]),
        eventLine(["memo": "truex"]),
        eventLine() + " x",
        String(eventLine().dropLast()) + ",}",
        "{}",
        "[" + eventLine() + "]",
        String(eventLine().dropLast()),
        eventLine(["memo": "\"tab\there\""]),
      ].map { Array($0.utf8) } + [
        Array(eventLine(["memo": "\"\u{FF}\""]).utf8.map { $0 == 0xC3 ? 0xFF : $0 }),
        Array(#"{"id":"e1","memo":"#.utf8) + [0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],
        Array(#"{"id":"#.utf8) + [0xC3, 0xA9] + Array(#""e1"}"#.utf8),
      ]
    for bytes in lines {
      #expect(!takesOnePass(bytes), "\(String(decoding: bytes, as: UTF8.self))")
      #expect(outcome(bytes, general: false) == outcome(bytes, general: true))
    }
  }
}

/// Seeded event lines: mostly of the usual shape (every known field, values of every JSON type,
/// whitespace, non-ASCII text), with escapes, unknown and repeated keys, nested values,
/// ill-formed UTF-8 and byte-level mutations mixed in.
struct EventLineGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// SplitMix64.
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  private mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  mutating func line() -> [UInt8] {
    var members: [(String, String)] = [
      ("id", value([#""web-1""#], [#""""#, "7", "null", String(repeating: "x", count: 129).quoted])),
      ("order_id", value([#""ord-00000042""#, #""o""#, #""ordé""#], [#""""#, "null", "12"])),
      ("kind", value([#""charge""#, #""refund""#, #""correction""#], [#""fee""#, #""Charge""#, "true"])),
      ("amount", value([#""12.50""#, "12.5", "740", #""-3""#, "0", "-0.0"], ["1e2", #""1.234""#, #""abc""#, "null"])),
      ("currency", value([#""USD""#, #""JPY""#, #""EUR""#, #""KWD""#], [#""XAU""#, #""usd""#, "null"])),
      (
        "ts",
        value([#""2026-11-27T10:00:00Z""#, #""2026-11-27T10:00:00.123+01:00""#], [#""2026-02-30T10:00:00Z""#, #""""#])
      ),
    ]
    if below(2) == 0 { members.append(("entity", value([#""acme-us""#, "null"], [#""""#, "3"]))) }
    if below(2) == 0 {
      members.append(("memo", value([#""café order #A-17""#, #""2 items""#, "null", #""€ 😀""#], ["false"])))
    }
    if below(4) == 0 { members.append(("reason", value([#""typo""#, "null"], [#""""#]))) }
    if below(4) == 0 { members.append(("author", value([#""ana""#], [#""""#]))) }
    if below(6) == 0 { members.remove(at: below(members.count)) }
    if below(8) == 0 {
      members.append((pick(["note", "ID", "id", "amount"]), pick([#""x""#, "1", "[1,2]", #"{"a":"b"}"#])))
    }
    if below(10) == 0 {
      let index = below(members.count)
      members[index].1 = pick([#""a\"b""#, #""\u00e9""#, #""tab\t""#, #"{"k":1,"k":2}"#, "[]", #""\ud800""#])
    }
    members.shuffle(using: &self)
    let space = { (g: inout EventLineGenerator) in g.below(5) == 0 ? g.pick([" ", "\t", "\r", "  "]) : "" }
    var text = space(&self) + "{" + space(&self)
    for (n, (key, value)) in members.enumerated() {
      if n > 0 { text += space(&self) + "," + space(&self) }
      text += key.quoted + space(&self) + ":" + space(&self) + value
    }
    text += space(&self) + "}" + space(&self)
    var bytes = Array(text.utf8)
    if below(6) == 0 { mutate(&bytes) }
    return bytes
  }

  /// One of `usual` most of the time, else one of `odd` (values the rules refuse).
  private mutating func value(_ usual: [String], _ odd: [String]) -> String {
    below(12) == 0 ? pick(odd) : pick(usual)
  }

  private mutating func mutate(_ bytes: inout [UInt8]) {
    guard !bytes.isEmpty else { return }
    let at = below(bytes.count)
    let interesting: [UInt8] = [
      0x22, 0x5C, 0x2C, 0x3A, 0x7B, 0x7D, 0x5B, 0x30, 0x2D, 0x2E, 0x65, 0x00, 0x1F, 0x80, 0xC3, 0xFF, 0x20,
    ]
    switch below(4) {
    case 0: bytes.insert(pick(interesting), at: at)
    case 1: bytes.remove(at: at)
    case 2: bytes[at] = pick(interesting)
    default: bytes = Array(bytes.prefix(at))
    }
  }
}

extension String {
  fileprivate var quoted: String { "\"" + self + "\"" }
}
