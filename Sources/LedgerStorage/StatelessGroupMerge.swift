/// The stateless groups of a partition when a job's reduce ran as several input ranges: each
/// range wrote its own part, its groups in key order; a reader takes them as one sequence, in key
/// order, a key's groups from several ranges made into one group whose events follow range order
/// (which is line order). No merged part is written.
public enum StatelessGroupMerge {
  /// One `RecordType.statelessGroup` payload holding the events of `payloads` (groups of one
  /// key, in range order) in that order. One payload is returned as it is. Throws
  /// ``StorageError/malformed(context:offset:detail:)`` when there is none, or when they name
  /// different keys, and what scanning a group throws for a damaged one.
  public static func concatenate(_ payloads: [[UInt8]], context: String) throws(StorageError) -> [UInt8] {
    guard payloads.count != 1 else { return payloads[0] }
    guard let first = payloads.first else {
      throw .malformed(context: context, offset: 0, detail: "no stateless group to merge")
    }
    var reader = ByteReader(first, context: context)
    let orderID = try reader.readString()
    var total = 0
    var bodies: [(payload: Int, start: Int)] = []
    for (n, payload) in payloads.enumerated() {
      var reader = ByteReader(payload, context: context)
      let id = try reader.readString()
      guard KeyOrder.same(id, orderID) else {
        throw .malformed(
          context: context, offset: 0, detail: "groups of order \(orderID) and of order \(id) cannot be merged")
      }
      // An event takes at least 10 bytes (as `ArtifactCodec.readEvents` counts them).
      total += try reader.readCount(minimumItemSize: 10)
      bodies.append((n, reader.position))
    }
    var writer = ByteWriter(capacity: payloads.reduce(16) { $0 + $1.count })
    writer.writeString(orderID)
    writer.writeCount(total)
    for body in bodies { writer.writeBytes(payloads[body.payload][body.start...]) }
    return writer.takeBytes()
  }
}
