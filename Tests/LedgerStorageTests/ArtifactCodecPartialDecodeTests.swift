import LedgerDomain
import Testing

@testable import LedgerStorage

/// The partial decoders the engine uses to avoid decoding what it does not need.
struct ArtifactCodecPartialDecodeTests {
  @Test func statelessGroupOrderIDIsTheGroupsKeyWithoutDecodingEvents() throws {
    let group = StatelessGroup(
      orderID: "ORD-ü-9", events: [ArtifactCodecTests.event("x", order: "ORD-ü-9"), ArtifactCodecTests.fullEvent])
    #expect(try ArtifactCodec.statelessGroupOrderID(ArtifactCodec.encode(group)) == "ORD-ü-9")
  }

  @Test func summarySegmentsAreTheSegmentsOfTheFullDecode() throws {
    let payload = ArtifactCodec.encode(ArtifactCodecTests.summary)
    #expect(try ArtifactCodec.summarySegments(payload) == ArtifactCodecTests.summary.segments)
  }

  @Test func summarySegmentsOfATruncatedPayloadThrowsTruncated() {
    let payload = ArtifactCodec.encode(ArtifactCodecTests.summary)
    #expect(throws: StorageError.self) { try ArtifactCodec.summarySegments(Array(payload.prefix(20))) }
  }

  @Test(arguments: ["", "ORD-1", "ünïcødé ✓", String(repeating: "a", count: 300)])
  func readStringReturnsAsciiAndNonAsciiTextExactly(text: String) throws {
    var writer = ByteWriter()
    writer.writeString(text)
    writer.writeString("tail")
    var reader = ByteReader(writer.bytes, context: "test")
    #expect(try reader.readString() == text)
    #expect(try reader.readString() == "tail")
    #expect(reader.isAtEnd)
  }

  @Test func readStringRejectsInvalidUTF8AfterAsciiBytes() {
    var reader = ByteReader([3, 0x41, 0xFF, 0x42], context: "test")
    #expect(throws: StorageError.self) { try reader.readString() }
  }

  @Test func skipStringMovesPastTheStringOnly() throws {
    var writer = ByteWriter()
    writer.writeString("skip me")
    writer.writeString("keep")
    var reader = ByteReader(writer.bytes, context: "test")
    try reader.skipString()
    #expect(try reader.readString() == "keep")
  }

  @Test func decodedCostChargesMoreThanTheRecordForAnInlineIDSet() {
    let location = ArtifactLocation(part: "a-0000000001-0.part", offset: 0, length: 80)
    let cost = ArtifactCache.decodedCost(of: ArtifactCodecTests.summary, at: location)
    #expect(cost > Int(location.length))
  }
}
