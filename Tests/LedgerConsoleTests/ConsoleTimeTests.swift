import Testing

@testable import LedgerConsole

@Suite struct ConsoleTimeTests {
  @Test(arguments: [
    (Int64(0), "1970-01-01T00:00:00Z"), (Fixtures.t0, "2026-11-27T10:45:00Z"),
    (951_782_400, "2000-02-29T00:00:00Z"), (-1, "1969-12-31T23:59:59Z"),
    (4_102_444_799, "2099-12-31T23:59:59Z"),
  ])
  func formatsInstantsInUTC(seconds: Int64, expected: String) {
    #expect(ConsoleTime.iso(seconds) == expected)
  }

  @Test func clockShowsTimeOfDay() {
    #expect(ConsoleTime.time(Fixtures.t0 + 3_661) == "11:46:01Z")
  }

  @Test(arguments: [
    (Duration.milliseconds(0), "0ms"), (.milliseconds(999), "999ms"), (.milliseconds(1000), "1.00s"),
    (.milliseconds(59_990), "59.99s"), (.seconds(60), "1m00s"), (.seconds(3725), "62m05s"),
  ])
  func formatsDurations(duration: Duration, expected: String) {
    #expect(ConsoleTime.duration(duration) == expected)
  }
}
