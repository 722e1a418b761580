import Testing

@testable import LedgerDomain

@Suite struct BatchFileNameTests {
  @Test(arguments: [
    ("20261127T100000Z_20261127T101500Z.jsonl", BatchFormat.jsonl), ("20261127T100000Z_20261127T101500Z.csv", .csv),
  ])
  func parsesAValidName(name: String, format: BatchFormat) throws {
    let parsed = try BatchFileName.parse(name).get()
    #expect(parsed.name == name)
    #expect(parsed.from == BatchInstant(secondsSinceEpoch: 1_795_773_600))
    #expect(parsed.to == BatchInstant(secondsSinceEpoch: 1_795_774_500))
    #expect(parsed.format == format)
  }

  @Test(arguments: [
    ("20261127T100000Z_20261127T101500Z.json", "the extension must be .jsonl or .csv"),
    ("20261127T100000Z_20261127T101500Z.JSONL", "the extension must be .jsonl or .csv"),
    ("20261127T100000Z_20261127T101500Z", "the extension must be .jsonl or .csv"),
    ("20261127T100000Z-20261127T101500Z.jsonl", "expected exactly one '_' between <from> and <to>"),
    ("a_b_c.jsonl", "expected exactly one '_' between <from> and <to>"),
    (
      "20261127T100000_20261127T101500Z.jsonl", "<from> \"20261127T100000\" is not a valid UTC instant YYYYMMDDTHHMMSSZ"
    ),
    ("20261127T100000Z_20260230T101500Z.csv", "<to> \"20260230T101500Z\" is not a valid UTC instant YYYYMMDDTHHMMSSZ"),
    ("_20261127T101500Z.jsonl", "<from> \"\" is not a valid UTC instant YYYYMMDDTHHMMSSZ"),
  ])
  func refusesANameThatDoesNotParseSayingWhichPart(name: String, detail: String) {
    #expect(BatchFileName.parse(name) == .failure(.badName(name: name, detail: detail)))
  }

  @Test(arguments: ["20261127T100000Z_20261127T100000Z.jsonl", "20261127T101500Z_20261127T100000Z.csv"])
  func refusesAnEmptyOrReversedInterval(name: String) {
    #expect(BatchFileName.parse(name) == .failure(.emptyInterval(name: name)))
  }

  @Test(arguments: [
    ("T100000Z_T101500Z", "T101500Z_T103000Z", false), ("T100000Z_T101500Z", "T101459Z_T103000Z", true),
    ("T100000Z_T103000Z", "T101000Z_T102000Z", true), ("T101000Z_T102000Z", "T100000Z_T103000Z", true),
    ("T100000Z_T101500Z", "T100000Z_T101500Z", true), ("T103000Z_T104500Z", "T100000Z_T103000Z", false),
    ("T100000Z_T100001Z", "T100001Z_T100002Z", false),
  ])
  func overlapsOnlyWhenTheHalfOpenIntervalsShareAnInstant(a: String, b: String, overlaps: Bool) throws {
    func name(_ interval: String) throws -> BatchFileName {
      let parts = interval.split(separator: "_")
      return try BatchFileName.parse("20261127\(parts[0])_20261127\(parts[1]).jsonl").get()
    }
    #expect(try name(a).overlaps(name(b)) == overlaps)
    #expect(try name(b).overlaps(name(a)) == overlaps)
  }

  @Test(arguments: [
    (".20261127T100000Z_20261127T101500Z.jsonl", true), ("20261127T100000Z_20261127T101500Z.jsonl.tmp", true),
    (".tmp", true), ("x.tmp", true), ("20261127T100000Z_20261127T101500Z.jsonl", false),
    ("20261127T100000Z_20261127T101500Z.tmp.jsonl", false), ("notes.txt", false),
  ])
  func recognisesNamesProducersAreStillWriting(name: String, inProgress: Bool) {
    #expect(BatchFileName.isInProgress(name) == inProgress)
  }
}

@Suite struct FileRefusalTests {
  @Test(arguments: [
    (
      FileRefusal.badName(name: "x.jsonl", detail: "expected exactly one '_' between <from> and <to>"),
      "input file \"x.jsonl\" refused: expected exactly one '_' between <from> and <to>; rename it to "
        + "<from>_<to>.jsonl or <from>_<to>.csv with UTC instants in YYYYMMDDTHHMMSSZ form, e.g. "
        + "20261127T100000Z_20261127T101500Z.jsonl"
    ),
    (
      .emptyInterval(name: "20261127T101500Z_20261127T100000Z.csv"),
      "input file \"20261127T101500Z_20261127T100000Z.csv\" refused: its interval is empty (<from> must "
        + "be before <to>); rename it to the interval in which its events arrived"
    ),
    (
      .overlaps(name: "B.jsonl", registered: "A.jsonl"),
      "input file \"B.jsonl\" refused: its interval overlaps the registered batch \"A.jsonl\" of the same "
        + "source; batches of one source must not overlap, so remove it if it repeats those events or "
        + "rename it to an interval that starts at or after the end of \"A.jsonl\""
    ),
    (
      .alreadyRegistered(name: "A.jsonl"),
      "input file \"A.jsonl\" refused: a batch with this name is already registered for this source; "
        + "remove it if it is a repeated delivery, or rename it to the interval it covers"
    ),
    (
      .badSource(source: "Shop_EU"),
      "inbox directory \"Shop_EU\" refused: a source name must match [a-z0-9][a-z0-9-]{0,63} "
        + "(lowercase letters, digits and '-', at most 64 bytes); rename the directory"
    ),
  ])
  func saysWhatWasRefusedWhyAndWhatToDo(refusal: FileRefusal, message: String) {
    #expect(refusal.description == message)
  }
}
