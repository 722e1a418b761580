extension PartFileReader {
  /// Calls `body` with each stateless group of `parts` (the parts of one partition written by a
  /// job's input ranges, in range order), in key order: a key found in several parts comes once,
  /// its groups concatenated in range order (``StatelessGroupMerge/concatenate(_:context:)``).
  /// One part is read as it is. Each part must hold its keys in strictly ascending order (as
  /// reduce writes them); one that does not throws ``StorageError/malformed(context:offset:detail:)``
  /// naming it, rather than merging out of order.
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
    while true {
      var least: String?
      for head in heads {
        guard let key = head.key else { continue }
        if let current = least, !KeyOrder.precedes(key, current) { continue }
        least = key
      }
      guard let least else { return }
      var groups: [[UInt8]] = []
      for n in heads.indices {
        guard let key = heads[n].key, KeyOrder.same(key, least), let payload = heads[n].payload else { continue }
        groups.append(payload)
        try heads[n].advance()
      }
      try body(try StatelessGroupMerge.concatenate(groups, context: "stateless groups of order \(least)"))
    }
  }

  /// The next stateless group of one part, and its key.
  private struct Head {
    let part: String
    var scanner: PartFileScanner
    var key: String?
    var payload: [UInt8]?

    init(part: String, scanner: PartFileScanner) {
      self.part = part
      self.scanner = scanner
    }

    /// Moves to the part's next stateless group (none at its end), checking that keys ascend.
    mutating func advance() throws {
      let previous = key
      key = nil
      payload = nil
      while let record = try scanner.next() {
        guard record.type == .statelessGroup else { continue }
        let next = try ArtifactCodec.statelessGroupOrderID(record.payload, context: "stateless group in \(part)")
        if let previous, !KeyOrder.precedes(previous, next) {
          throw StorageError.malformed(
            context: part, offset: Int(record.location.offset),
            detail: "stateless group of order \(next) after order \(previous): the part's keys do not ascend")
        }
        key = next
        payload = record.payload
        return
      }
    }
  }
}
