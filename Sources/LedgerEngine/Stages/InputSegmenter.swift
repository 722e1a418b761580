import LedgerDomain
import LedgerStorage
import LedgerSystem

/// Cuts a file, as it is read once from start to end, into ``InputSegment``s: each ends just
/// after the first newline at or past `segmentBytes` from its start (the last one at the end of
/// the file), and is hashed and located by line as it goes. Fed in chunks of any size, it gives
/// the same segments.
struct InputSegmenter: ~Copyable {
  let segmentBytes: Int64
  private var segments: [InputSegment] = []
  private var hasher = SHA256()
  private var position: Int64 = 0
  private var start: Int64 = 0
  private var newlines: Int64 = 0
  private var firstLine: Int64 = 1

  init(segmentBytes: Int) {
    self.segmentBytes = Int64(max(1, segmentBytes))
  }

  /// Reads the next bytes of the file.
  mutating func update(_ chunk: UnsafeBufferPointer<UInt8>) {
    var i = 0
    while i < chunk.count {
      let cut = start + segmentBytes
      if position < cut {
        // No segment ends before `cut`: take the bytes up to it.
        let n = Int(min(Int64(chunk.count - i), cut - position))
        take(chunk, i..<i + n)
        i += n
        continue
      }
      // Past the cut, the segment ends after the next newline.
      guard let newline = chunk[i...].firstIndex(of: 0x0A) else {
        take(chunk, i..<chunk.count)
        return
      }
      take(chunk, i..<newline + 1)
      i = newline + 1
      close()
    }
  }

  /// The segments of everything read (one, empty, for an empty file).
  consuming func finish() -> [InputSegment] {
    if position > start || segments.isEmpty { close() }
    return segments
  }

  private mutating func take(_ chunk: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
    guard !range.isEmpty else { return }
    hasher.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: chunk[range])))
    newlines += Int64(JSONLinesBatchDecoder.newlines(in: chunk, range: range))
    position += Int64(range.count)
  }

  private mutating func close() {
    var finished = SHA256()
    swap(&finished, &hasher)
    segments.append(InputSegment(byteFrom: start, byteTo: position, firstLine: firstLine, sha256: finished.finalize()))
    start = position
    firstLine = newlines + 1
  }
}
