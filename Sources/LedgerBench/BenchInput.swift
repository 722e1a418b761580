import LedgerDomain
import LedgerSystem
import LedgerWorkload

/// Input batches the benchmark writes straight into an inbox (fast byte building, atomic
/// publish), and the key names it uses: `ord-0000000042` sorts in numeric order.
public enum BenchInput {
  /// The order id of state key `i`.
  public static func orderID(_ i: Int) -> String {
    let digits = String(i)
    return "ord-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
  }

  /// First batch instant (2026-11-27T10:00:00Z).
  static let start = GeneratorOptions.defaultStart

  /// Writes the end-to-end batch: `keys` keys (`orderID(j * stride)`), two events each (a
  /// charge then, later in the batch, its payment), keys visited in a scattered order, split into
  /// files of at most `eventsPerFile` events of source `source`. Returns the bytes written.
  @discardableResult
  public static func writeKeyedBatch(
    inbox: String, source: String, keys: Int, stride: Int, eventsPerFile: Int = 250_000,
    firstInterval: Int = 0
  ) throws -> Int64 {
    let events = keys * 2
    let step = coprimeStep(keys)
    var total: Int64 = 0
    var file = 0
    var e = 0
    while e < events {
      let end = min(events, e + eventsPerFile)
      var bytes: [UInt8] = []
      bytes.reserveCapacity((end - e) * 140)
      for k in e..<end {
        let isCharge = k < keys
        let j = Int((UInt64(k % keys) &* UInt64(step)) % UInt64(keys))
        appendLine(
          &bytes, id: "\(source)-\(j)-\(isCharge ? "c" : "p")", order: orderID(j * stride),
          kind: isCharge ? "charge" : "payment", amount: isCharge ? "25.00" : "-25.00")
      }
      total += try publish(bytes, inbox: inbox, source: source, interval: firstInterval + file)
      file += 1
      e = end
    }
    return total
  }

  /// Writes one batch of `lines` lines of the bulk order `orderID` (ids `<orderID>-<batch>-<i>`).
  @discardableResult
  public static func writeHotBatch(inbox: String, orderID: String, batch: Int, lines: Int) throws -> Int64 {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(lines * 140)
    for i in 0..<lines {
      appendLine(
        &bytes, id: "\(orderID)-\(batch)-\(i)", order: orderID, kind: i % 2 == 0 ? "shipment" : "payable",
        amount: i % 2 == 0 ? "3.10" : "-3.05")
    }
    return try publish(bytes, inbox: inbox, source: "bulk", interval: batch)
  }

  static func appendLine(_ bytes: inout [UInt8], id: String, order: String, kind: String, amount: String) {
    bytes.append(contentsOf: #"{"id":""#.utf8)
    bytes.append(contentsOf: id.utf8)
    bytes.append(contentsOf: #"","order_id":""#.utf8)
    bytes.append(contentsOf: order.utf8)
    bytes.append(contentsOf: #"","kind":""#.utf8)
    bytes.append(contentsOf: kind.utf8)
    bytes.append(contentsOf: #"","amount":""#.utf8)
    bytes.append(contentsOf: amount.utf8)
    bytes.append(contentsOf: #"","currency":"USD","ts":"2026-11-27T10:00:00Z"}"#.utf8)
    bytes.append(UInt8(ascii: "\n"))
  }

  /// Publishes `bytes` as `inbox/<source>/<from>_<to>.jsonl` for the 60-second interval `interval`.
  static func publish(_ bytes: [UInt8], inbox: String, source: String, interval: Int) throws -> Int64 {
    let from = BatchInstant(secondsSinceEpoch: start + Int64(interval) * 60)
    let to = BatchInstant(secondsSinceEpoch: start + Int64(interval + 1) * 60)
    let dir = "\(inbox)/\(source)"
    try FileSystem.makeDirectories(dir)
    try FileSystem.writeAtomically(bytes, to: "\(dir)/\(from.basic)_\(to.basic).jsonl")
    return Int64(bytes.count)
  }

  /// A step coprime with `n`, so `k * step mod n` visits every key once, scattered.
  static func coprimeStep(_ n: Int) -> Int {
    var step = 1_000_003
    while gcd(step, n) != 1 { step += 2 }
    return step
  }

  static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
