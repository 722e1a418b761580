#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension PartFileReader {
  /// Calls `body` with each stateless group of `parts` (the parts of one partition written by a
  /// job's input ranges, in range order), in key order: a key found in several parts comes once,
  /// its groups concatenated in range order (``StatelessGroupMerge/concatenate(_:context:)``).
  /// One part is read as it is. Each part must hold its keys in strictly ascending order (as
  /// reduce writes them); one that does not throws ``StorageError/malformed(context:offset:detail:)``
  /// naming it, rather than merging out of order. Keys are compared as bytes (``KeyOrder``),
  /// without building strings.
  public func forEachStatelessGroup(inParts parts: [String], _ body: ([UInt8]) throws -> Void) throws {
    if parts.count == 1 {
      try forEachRecord(inPart: parts[0]) { _, type, payload in
        if type == .statelessGroup { try body(payload) }
      }
      return
    }
    var heads: [Head] = []
    for part in parts {
      let file = try open(part)
      var head = Head(part: part, scanner: try PartFileScanner(fd: file.fd, path: file.path, part: part))
      try head.advance()
      heads.append(head)
    }
    var same: [Int] = []
    while true {
      same.removeAll(keepingCapacity: true)
      for n in heads.indices where heads[n].payload != nil {
        guard let first = same.first else {
          same.append(n)
          continue
        }
        let order = Head.compare(heads[n], heads[first])
        if order < 0 {
          same.removeAll(keepingCapacity: true)
          same.append(n)
        } else if order == 0 {
          same.append(n)
        }
      }
      guard let first = same.first else { return }
      if same.count == 1, let payload = heads[first].payload {
        try heads[first].advance()
        try body(payload)
        continue
      }
      let groups = same.compactMap { heads[$0].payload }
      for n in same { try heads[n].advance() }
      try body(try StatelessGroupMerge.concatenate(groups, context: "stateless groups of \(parts.count) ranges"))
    }
  }

  /// The next stateless group of one part, and where its key's bytes lie in it.
  private struct Head {
    let part: String
    var scanner: PartFileScanner
    var payload: [UInt8]?
    var key: Range<Int> = 0..<0

    init(part: String, scanner: PartFileScanner) {
      self.part = part
      self.scanner = scanner
    }

    /// memcmp order of the keys of `a` and `b` (both holding a group).
    static func compare(_ a: Head, _ b: Head) -> Int {
      guard let x = a.payload, let y = b.payload else { return 0 }
      return compare(x, a.key, y, b.key)
    }

    static func compare(_ x: [UInt8], _ xKey: Range<Int>, _ y: [UInt8], _ yKey: Range<Int>) -> Int {
      x.withUnsafeBufferPointer { xs in
        y.withUnsafeBufferPointer { ys in
          KeyOrder.compare(UnsafeBufferPointer(rebasing: xs[xKey]), UnsafeBufferPointer(rebasing: ys[yKey]))
        }
      }
    }

    /// Moves to the part's next stateless group (none at its end), checking that keys ascend.
    mutating func advance() throws {
      let previous = payload
      let previousKey = key
      payload = nil
      while let record = try scanner.next() {
        guard record.type == .statelessGroup else { continue }
        var reader = ByteReader(record.payload, context: part)
        let length = try reader.readCount()
        key = reader.position..<reader.position + length
        payload = record.payload
        if let previous, Self.compare(previous, previousKey, record.payload, key) >= 0 {
          let next = try ArtifactCodec.statelessGroupOrderID(record.payload, context: part)
          let before = try ArtifactCodec.statelessGroupOrderID(previous, context: part)
          throw StorageError.malformed(
            context: part, offset: Int(record.location.offset),
            detail: "stateless group of order \(next) after order \(before): the part's keys do not ascend")
        }
        return
      }
    }
  }
}
