import Foundation
import Testing

extension CLISuite {
  /// SPEC §5: "a corrupt byte is detected, never shown as a wrong balance".
  @Suite struct CorruptionDetectionTests {
    /// Where in the artifact's summary record the flipped byte lies.
    enum Position: String, CaseIterable, Sendable, CustomTestStringConvertible {
      case firstPayloadByte
      case payloadByte20
      case lastByte

      func offset(inRecordOf length: Int) -> Int {
        switch self {
        case .firstPayloadByte: 16
        case .payloadByte20: 20
        case .lastByte: length - 1
        }
      }

      var testDescription: String { rawValue }
    }

    @Test(arguments: Position.allCases)
    func flippedByteInAnArtifactRecordFailsLookupWithChecksumMismatchNamingThePart(_ position: Position) throws {
      let fixture = try ProcessedData("corrupt")
      let order = "ord-00000001"
      let location = try fixture.lookup(order).child("location")
      let file = try location.string("file")
      let offset = try location.int("offset") + position.offset(inRecordOf: try location.int("length"))
      try flipByte(at: offset, in: "\(fixture.data)/\(file)")
      let part = String(file.dropFirst("parts/".count))

      for flags in [["--json"], []] {
        let result = try fixture.binary.run(["lookup", "--data", fixture.data, order] + flags)
        #expect(!result.exited(0), "\(result.summary)")
        #expect(!result.killedBySignal, "\(result.summary)")
        #expect(result.stdout == "", "a corrupt artifact was shown")
        #expect(
          result.stderr.contains("checksum mismatch in part \(part) at offset \(try location.int("offset"))"),
          "\(result.summary)")
      }
    }

    private func flipByte(at offset: Int, in path: String) throws {
      let handle = try #require(FileHandle(forUpdatingAtPath: path), "cannot open \(path)")
      defer { try? handle.close() }
      try handle.seek(toOffset: UInt64(offset))
      let byte = try #require(try handle.read(upToCount: 1)?.first, "\(path) has no byte at \(offset)")
      try handle.seek(toOffset: UInt64(offset))
      try handle.write(contentsOf: [byte ^ 0xFF])
    }
  }
}
