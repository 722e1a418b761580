import Testing

@testable import LedgerDomain

@Suite struct CSVBatchDecoderTests {
  static let file = "20261127T100000Z_20261127T101500Z.csv"
  let from = BatchInstant(secondsSinceEpoch: 1_795_773_600)

  func run(_ text: String, currency: Currency = .usd) -> [Result<Event, Rejection>] {
    run(bytes: Array(text.utf8), currency: currency)
  }

  func run(bytes: [UInt8], currency: Currency = .usd) -> [Result<Event, Rejection>] {
    let batch = CSVBatchDecoder(source: "legacy", file: Self.file, batchFrom: from, defaultCurrency: currency)
    return collect(bytes) { buffer, body in batch.decode(buffer, body) }
  }

  func origin(_ line: Int) -> EventOrigin { EventOrigin(source: "legacy", file: Self.file, line: line) }

  func reasons(_ text: String) -> [RejectReason?] { run(text).map { $0.rejection?.reason } }

  @Test func ingestsTheSeedsTwoColumnFileAsItIs() {
    let results = run("order_id,amount\n1001,10.00\n1002,-5.5\n1001,3\n")
    #expect(
      results.map(\.event) == [
        Event(
          id: "legacy/\(Self.file)#2", orderID: "1001", kind: .charge, amount: 1000, currency: .usd,
          ts: "2026-11-27T10:00:00Z", origin: origin(2)),
        Event(
          id: "legacy/\(Self.file)#3", orderID: "1002", kind: .charge, amount: -550, currency: .usd,
          ts: "2026-11-27T10:00:00Z", origin: origin(3)),
        Event(
          id: "legacy/\(Self.file)#4", orderID: "1001", kind: .charge, amount: 300, currency: .usd,
          ts: "2026-11-27T10:00:00Z", origin: origin(4)),
      ])
  }

  @Test func usesTheConfiguredDefaultCurrency() throws {
    let eur = try #require(Currency(isoCode: "EUR"))
    #expect(run("order_id,amount\no1,1.5", currency: eur).first?.event?.currency == eur)
  }

  @Test(arguments: ["", "order_id,amount", "order_id,amount\n", "order_id,amount\r\n", "\u{FEFF}order_id,amount\n"])
  func yieldsNothingForAFileWithoutDataRecords(text: String) {
    #expect(run(text).isEmpty)
  }

  @Test func stripsAByteOrderMarkAndAcceptsCRLF() {
    let results = run("\u{FEFF}order_id,amount\r\no1,1\r\no2,2")
    #expect(results.map { $0.event?.orderID } == ["o1", "o2"])
    #expect(results.map { $0.event?.origin.line } == [2, 3])
  }

  @Test func skipsBlankRecordsAndCountsThem() {
    var blank = -1
    let batch = CSVBatchDecoder(source: "legacy", file: Self.file, batchFrom: from)
    let text = "order_id,amount\no1,1\n\n \r\no2,2\n"
    let results = collect(Array(text.utf8)) { buffer, body in blank = batch.decode(buffer, body) }
    #expect(results.map { $0.event?.orderID } == ["o1", "o2"])
    #expect(results.map { $0.event?.origin.line } == [2, 5])
    #expect(blank == 2)
  }

  /// SPEC §2: blank lines are skipped in both formats, so blank lines before the header are too:
  /// the header is the first record that is not blank, and line numbers stay physical.
  @Test func skipsBlankLinesBeforeTheHeader() {
    var blank = -1
    let batch = CSVBatchDecoder(source: "legacy", file: Self.file, batchFrom: from)
    let text = "\u{FEFF}\n \r\norder_id,amount\no3,1.00\n"
    let results = collect(Array(text.utf8)) { buffer, body in blank = batch.decode(buffer, body) }
    #expect(results.map { $0.event?.orderID } == ["o3"])
    #expect(results.map { $0.event?.id } == ["legacy/\(Self.file)#4"])
    #expect(results.map { $0.event?.origin.line } == [4])
    #expect(blank == 2)
    #expect(run("\n\n").isEmpty)
  }

  /// SPEC §2: defaults only for columns the header does not name; an empty `id` cell must never
  /// become a positional id (a re-sent file would then double-count).
  @Test func anEmptyCellInANamedRequiredColumnRejectsTheLine() {
    let results = run("id,order_id,amount\n,o1,1.00\ne2,o2,2.00\n")
    #expect(results[0].rejection?.reason == .missingField("id"))
    #expect(results[0].rejection?.origin.line == 2)
    #expect(results[1].event?.id == "e2")
    #expect(reasons("order_id,amount,currency\no1,1.00,\n") == [.missingField("currency")])
    #expect(reasons("order_id,amount,kind\no1,1.00,\n") == [.missingField("kind")])
    #expect(reasons("order_id,amount,ts\no1,1.00,\n") == [.missingField("ts")])
  }

  @Test func anEmptyOptionalCellIsSimplyAbsent() {
    let event = run("order_id,amount,memo,entity\no1,1.00,,\n").first?.event
    #expect(event?.memo == nil)
    #expect(event?.entity == nil)
    #expect(event?.id == "legacy/\(Self.file)#2")
  }

  @Test func numbersARecordByThePhysicalLineWhereItStarts() {
    let results = run("order_id,amount,memo\no1,1,\"line one\nline two\"\no2,2,plain\r\no3,3,\"a\r\n\r\nb\"\no4,4,x\n")
    #expect(results.map { $0.event?.origin.line } == [2, 4, 5, 8])
    #expect(results.map { $0.event?.id } == [2, 4, 5, 8].map { "legacy/\(Self.file)#\($0)" })
    #expect(results[0].event?.memo == "line one\nline two")
    #expect(results[2].event?.memo == "a\r\n\r\nb")
  }

  @Test func unescapesDoubledQuotesAndKeepsCommasInQuotes() {
    let event = run("order_id,amount,memo\n\"o,1\",\"1\",\"say \"\"hi\"\"\"\n").first?.event
    #expect(event?.orderID == "o,1")
    #expect(event?.memo == "say \"hi\"")
  }

  @Test func readsEveryKnownColumnAndAppliesNoDefaultWhereACellIsGiven() {
    let text =
      "id,order_id,kind,amount,currency,ts,entity,memo,reason,author\n"
      + "c-1,o1,correction,-0.125,BHD,2026-11-27T09:59:59+01:00,EU,fix,typo,ana\n"
    #expect(
      run(text).first?.event
        == Event(
          id: "c-1", orderID: "o1", kind: .correction, amount: -125,
          currency: Currency(code: "BHD", minorUnits: 3), ts: "2026-11-27T09:59:59+01:00", entity: "EU",
          memo: "fix", reason: "typo", author: "ana", origin: origin(2)))
  }

  @Test func keepsUnknownColumnsAsJSONStringExtras() {
    let event = run("order_id,amount,channel,note,empty\no1,1,web,\"a\t\"\"b\"\"\\\",\n").first?.event
    #expect(
      event?.extras == [
        ExtraField(name: "channel", rawJSON: #""web""#),
        ExtraField(name: "note", rawJSON: #""a\t\"b\"\\""#),
      ])
  }

  @Test(arguments: [
    ("o1,1,extra", RejectReason.csvFieldCount(expected: 2, got: 3)), ("o1", .csvFieldCount(expected: 2, got: 1)),
    ("o1,1,", .csvFieldCount(expected: 2, got: 3)),
  ])
  func rejectsARecordWhoseFieldCountDiffersFromTheHeader(record: String, reason: RejectReason) {
    #expect(reasons("order_id,amount\n\(record)\no2,2\n") == [reason, nil])
    #expect(
      RejectReason.csvFieldCount(expected: 2, got: 3).description == "CSV record has 3 fields, header has 2")
  }

  @Test(arguments: [
    ("o1,1\"0", "field 2 has a stray '\"' outside quotes"),
    ("\"o1\"x,1", "field 1 has text after its closing quote"),
    ("o1,1\ro2", "field 2 has a carriage return not followed by a line feed"),
    ("o1,\"1", "field 2 opens a quote that is never closed"),
  ])
  func rejectsAMalformedRecordAndResumesOnTheNextLine(record: String, detail: String) {
    let results = run("order_id,amount\n\(record)\no2,2\n")
    #expect(
      results.first?.rejection
        == Rejection(origin: origin(2), reason: .csvMalformed(detail: detail), excerpt: record))
    #expect(results.dropFirst().map { $0.event?.orderID } == ["o2"])
    #expect(results.last?.event?.origin.line == 3)
  }

  @Test func rejectsAQuoteThatSpansIntoTheNextRecordAsMalformed() {
    // RFC 4180: the quote opened on line 2 closes on line 3, where text follows it.
    let results = run("order_id,amount\no1,\"1\n\"o2\",2\no3,3\n")
    #expect(
      results.map { $0.rejection?.reason } == [.csvMalformed(detail: "field 2 has text after its closing quote"), nil])
    #expect(results.last?.event?.origin.line == 4)
  }

  @Test(arguments: ["order_id,memo", "memo,amount", "id,kind,currency"])
  func rejectsEveryRecordWithMissingFieldWhenTheHeaderLacksOrderIDOrAmount(header: String) {
    let missing = header.contains("order_id") ? "amount" : "order_id"
    let rows = ["a,b", "c,d", "e,f"].map { $0 + (header == "id,kind,currency" ? ",g" : "") }
    #expect(reasons(header + "\n" + rows.joined(separator: "\n")) == Array(repeating: .missingField(missing), count: 3))
  }

  @Test func rejectsEveryRecordWhenTheHeaderRepeatsAColumn() {
    #expect(reasons("order_id,amount,amount\no1,1,2\no2,2,3\n") == [.duplicateKey("amount"), .duplicateKey("amount")])
  }

  @Test func rejectsEveryRecordWhenTheHeaderIsMalformed() {
    let detail = "the header row (line 1) is malformed: field 1 has a stray '\"' outside quotes"
    #expect(
      reasons("ord\"er_id,amount\no1,1\no2,2\n") == [.csvMalformed(detail: detail), .csvMalformed(detail: detail)])
  }

  @Test func rejectsEveryRecordWhenTheHeaderIsNotUTF8() {
    let detail = "the header row (line 1) is not valid UTF-8 (bad byte at offset 3)"
    #expect(
      run(bytes: Array("ord".utf8) + [0xC0] + Array(",amount\no1,1\n".utf8)).map { $0.rejection?.reason } == [
        .csvMalformed(detail: detail)
      ])
  }

  @Test(arguments: [
    ("o1,1.000", RejectReason.tooManyAmountDigits(amount: "1.000", currency: "USD", allowed: 2)),
    ("o1,abc", .malformedAmount("abc")), ("o1,1e3", .malformedAmount("1e3")),
    ("o1,92233720368547758.08", .amountOutOfRange("92233720368547758.08")),
    (String(repeating: "o", count: 129) + ",1", .fieldTooLong(field: "order_id", bytes: 129, limit: 128)),
  ])
  func appliesTheJSONFieldRulesToCells(record: String, reason: RejectReason) {
    #expect(reasons("order_id,amount\n\(record)\n") == [reason])
  }

  @Test(arguments: [
    ("o1,1,usd,charge,2026-11-27T10:00:00Z", RejectReason.unknownCurrency("usd")),
    ("o1,1,USD,Charge,2026-11-27T10:00:00Z", .unknownKind("Charge")),
    ("o1,1,USD,charge,2026-02-30T10:00:00Z", .invalidTimestamp("2026-02-30T10:00:00Z")),
    ("o1,1,USD,correction,2026-11-27T10:00:00Z", .missingField("reason")),
  ])
  func appliesTheRulesToOptionalCSVColumnsWhenGiven(record: String, reason: RejectReason) {
    #expect(reasons("order_id,amount,currency,kind,ts\n\(record)\n") == [reason])
  }

  @Test func rejectsARecordThatIsNotUTF8AtTheOffsetWithinTheRecord() {
    let results = run(bytes: Array("order_id,amount\no".utf8) + [0xED, 0xA0, 0x80] + Array(",1\no2,2\n".utf8))
    #expect(results.map { $0.rejection?.reason } == [.invalidUTF8(byteOffset: 1), nil])
  }

  @Test func rejectsARecordLongerThan64KiB() {
    let memo = String(repeating: "m", count: 65_600)
    let results = run("order_id,amount,memo\no1,1,\"\(memo)\"\no2,2,x\n")
    #expect(results.map { $0.rejection?.reason } == [.lineTooLong(bytes: 65_607), nil])
    #expect(results.first?.rejection?.excerpt.utf8.count == 512)
  }
}
