import Testing

@testable import LedgerDomain

@Suite struct TimestampTests {
  @Test(arguments: [
    "2026-11-27T10:00:00Z", "2026-11-27t10:00:00z", "2024-02-29T00:00:00Z", "2000-02-29T12:00:00Z",
    "2026-12-31T23:59:60Z", "2026-11-27T10:00:00.123456789+05:30", "2026-11-27T10:00:00-00:00",
    "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.9Z", "2026-11-27T10:00:00.5z", "2026-04-30T00:00:00+23:59",
  ])
  func acceptsRFC3339DateTimes(text: String) {
    #expect(Timestamp.isValidRFC3339(Array(text.utf8)))
    #expect(Timestamp.isValidRFC3339(text.utf8))
  }

  @Test(arguments: [
    "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
    "2026-04-31T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-27 10:00:00Z", "2026-11-27T24:00:00Z",
    "2026-11-27T10:60:00Z", "2026-11-27T10:00:61Z", "2026-11-27T10:00:00", "2026-11-27T10:00:00+05:60",
    "2026-11-27T10:00:00+24:00", "2026-11-27T10:00:00+0530", "2026-11-27T10:00:00.Z", "2026-11-27",
    "26-11-27T10:00:00Z", "2026-11-27T10:00:00Zx", "2026-1-27T10:00:00Z", "2026-11-27T10:00Z",
    "+2026-11-27T10:00:00Z", "2026-11-27T10:00:00 Z", "", "2026-11-27T10:00:00+05", "２026-11-27T10:00:00Z",
  ])
  func rejectsTextThatIsNotAnRFC3339DateTime(text: String) {
    #expect(!Timestamp.isValidRFC3339(Array(text.utf8)))
  }

  /// Bytes in memory take a positional fast path for the usual UTC shape: it gives the general
  /// reader's answer for valid timestamps and for every near miss (each field out of range, each
  /// byte replaced, dropped or doubled), and the usual shapes really take it.
  @Test func theFastPathAnswersAsTheReaderDoes() {
    var random = SeededRandom(seed: 3339)
    let noise = Array("0123456789-:.TtZz+ /".utf8)
    var checked = 0
    var fast = 0
    for _ in 0..<40_000 {
      let fields = [
        random.next(below: 10_000), 1 + random.next(below: 13), 1 + random.next(below: 31), random.next(below: 25),
        random.next(below: 61), random.next(below: 62),
      ]
      let p = { (index: Int, width: Int) in CivilCalendar.padded(Int64(fields[index]), width: width) }
      var text = "\(p(0, 4))-\(p(1, 2))-\(p(2, 2))T\(p(3, 2)):\(p(4, 2)):\(p(5, 2))"
      if random.next(below: 2) == 0 { text += "." + String(repeating: "7", count: random.next(below: 10)) }
      text += "Z"
      var bytes = Array(text.utf8)
      switch random.next(below: 4) {
      case 0: bytes[random.next(below: bytes.count)] = noise[random.next(below: noise.count)]
      case 1: bytes.remove(at: random.next(below: bytes.count))
      case 2:
        let at = random.next(below: bytes.count)
        bytes.insert(bytes[at], at: at)
      default: break
      }
      let general = Timestamp.isValidRFC3339(bytes)
      bytes.withUnsafeBufferPointer { buffer in
        #expect(
          Timestamp.isValidRFC3339(buffer) == general, "\(String(decoding: buffer, as: UTF8.self)): general \(general)")
        if Timestamp.plainUTC(buffer) != nil { fast += 1 }
      }
      checked += 1
    }
    #expect(checked == 40_000)
    #expect(fast > 10_000, "the fast path answered \(fast) of \(checked)")
    for usual in ["2026-11-27T09:59:56.373Z", "2026-11-27T10:00:00Z"] {
      Array(usual.utf8).withUnsafeBufferPointer { #expect(Timestamp.plainUTC($0) == true) }
    }
  }

  /// RFC 3339 §5.7: a leap second is the last second of a month in UTC, so second 60 stands
  /// only at 23:59:60 UTC on a month's last day, written with any offset.
  @Test(arguments: [
    ("2016-12-31T23:59:60Z", true), ("2015-06-30T23:59:60.5Z", true), ("2016-12-31T15:59:60-08:00", true),
    ("2017-01-01T05:29:60+05:30", true), ("2026-01-01T00:00:60Z", false), ("2026-11-27T10:00:60Z", false),
    ("2016-12-31T23:59:60+01:00", false), ("2016-12-30T23:59:60Z", false), ("2016-12-31T23:58:60Z", false),
  ])
  func acceptsSecondSixtyOnlyAsALeapSecond(text: String, valid: Bool) {
    #expect(Timestamp.isValidRFC3339(Array(text.utf8)) == valid)
  }
}

@Suite struct BatchInstantTests {
  @Test(
    arguments: [
      ("20261127T100000Z", 1_795_773_600), ("19700101T000000Z", 0), ("20240229T235959Z", 1_709_251_199),
      ("20000301T000000Z", 951_868_800), ("19691231T235959Z", -1), ("00010101T000000Z", -62_135_596_800),
      ("99991231T235959Z", 253_402_300_799),
    ] as [(String, Int64)])
  func parsesBasicFormIntoEpochSecondsAndFormatsItBack(text: String, seconds: Int64) throws {
    let instant = try #require(BatchInstant(basic: text))
    #expect(instant.secondsSinceEpoch == seconds)
    #expect(instant.basic == text)
    #expect(BatchInstant(secondsSinceEpoch: seconds).basic == text)
  }

  @Test func formatsRFC3339ForTheDefaultTimestampOfCSVLines() {
    #expect(BatchInstant(secondsSinceEpoch: 1_795_773_600).rfc3339 == "2026-11-27T10:00:00Z")
    #expect(BatchInstant(secondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59Z")
    #expect(BatchInstant(secondsSinceEpoch: 1_709_251_199).description == "20240229T235959Z")
  }

  @Test(arguments: [
    "20230229T000000Z", "21000229T000000Z", "20261131T000000Z", "20261300T000000Z", "20261127T240000Z",
    "20261127T106000Z", "20261127T100060Z", "20261127t100000Z", "20261127T100000z", "20261127T100000",
    "2026-11-27T10:00:00Z", "20261127T100000Z ", "2026112T7100000Z", "", "20261127X100000Z", "２0261127T100000Z",
  ])
  func refusesTextThatIsNotAValidBasicInstant(text: String) {
    #expect(BatchInstant(basic: text) == nil)
  }

  @Test func ordersInstantsByTime() {
    #expect(BatchInstant(secondsSinceEpoch: -5) < BatchInstant(secondsSinceEpoch: 3))
    #expect(!(BatchInstant(secondsSinceEpoch: 3) < BatchInstant(secondsSinceEpoch: 3)))
  }
}

@Suite struct SourceNameTests {
  @Test(arguments: ["a", "shop", "eu-payments", "0", "9lives", "a-", String(repeating: "a", count: 64)])
  func acceptsLowercaseAlphanumericNamesWithDashes(name: String) {
    #expect(SourceName.isValid(name))
  }

  @Test(arguments: [
    "", "-shop", "Shop", "shop_eu", "shop.eu", "shop eu", "café", String(repeating: "a", count: 65), "shop/x",
  ])
  func refusesAnythingElse(name: String) {
    #expect(!SourceName.isValid(name))
  }
}
