import Testing

@testable import LedgerConsole

@Suite struct StringLayoutTests {
  @Test(arguments: [
    ("/tmp/ledgerline-demo-abc123/data", 16, "/tmp/led…23/data"),
    ("corrections/20261127T104400Z_20261127T104401Z.jsonl", 20, "correction…01Z.jsonl"),
    ("short", 5, "short"),
    ("abcdef", 1, "a"),
  ])
  func truncatedMiddleKeepsBothEnds(text: String, width: Int, expected: String) {
    #expect(text.truncatedMiddle(to: width) == expected)
    #expect(text.truncatedMiddle(to: width).count == min(width, text.count))
  }

  @Test(arguments: [
    ("inputs: a.jsonl, b.jsonl, c.jsonl", 17, ["inputs: a.jsonl,", "b.jsonl, c.jsonl"]),
    ("one two", 20, ["one two"]),
    ("abcdefghij kl", 4, ["abcd", "efgh", "ij", "kl"]),
    ("", 10, [""]),
  ])
  func wrappedBreaksAtSpacesAndSplitsWordsLongerThanALine(text: String, width: Int, expected: [String]) {
    #expect(text.wrapped(to: width) == expected)
  }

  @Test func truncatedUsesTheGivenEllipsis() {
    #expect("marketplace-0000000217".truncated(to: 10, ellipsis: "...") == "marketp...")
    #expect("marketplace-0000000217".truncated(to: 10) == "marketpla…")
  }
}

@Suite struct GroupedNumberTests {
  @Test(arguments: [
    (0, "0"), (999, "999"), (1_000, "1,000"), (31_000, "31,000"), (1_234_567, "1,234,567"), (-4_500, "-4,500"),
  ])
  func groupsThousands(value: Int, text: String) {
    #expect(value.formatted(grouping: ",") == text)
  }
}
