import Testing

@testable import LedgerDomain

@Suite struct BatchFormatTests {
  func holdsNoEvents(_ text: String, _ format: BatchFormat) -> Bool {
    Array(text.utf8).withUnsafeBufferPointer { format.holdsNoEvents($0) }
  }

  @Test(arguments: ["", "\n", " \r\n\t\n", "\u{FEFF}", "\u{FEFF}\n\n"])
  func blankContentHoldsNoEventsInEitherFormat(text: String) {
    #expect(holdsNoEvents(text, .jsonl))
    #expect(holdsNoEvents(text, .csv))
  }

  @Test func aCSVHeaderAloneHoldsNoEventsAndAJSONLineDoes() {
    #expect(holdsNoEvents("order_id,amount\r\n", .csv))
    #expect(holdsNoEvents("\n\norder_id,amount\n \n", .csv))
    #expect(!holdsNoEvents("order_id,amount\n1001,10.00", .csv))
    #expect(!holdsNoEvents("\"order\nid\",amount\n", .csv))
    #expect(!holdsNoEvents("{}\n", .jsonl))
    #expect(!holdsNoEvents("\n\nx", .jsonl))
  }
}
