import Glibc
import LedgerDomain
import LedgerSystem

extension WorkloadGenerator {
  /// A batch file being written: bytes accumulate in `buffer`, go to `.<name>.tmp` in 4 MiB
  /// chunks, and ``publish()`` renames the finished file to its real name, so the engine never
  /// sees a partial batch.
  struct BatchFile {
    let temporaryPath: String
    let finalPath: String
    private var descriptor: Int32
    var buffer: [UInt8]
    private(set) var bytesWritten = 0
    static let chunkSize = 4 << 20

    /// Creates `directory` if needed and opens `.<name>.tmp` in it; refuses when `name` exists.
    static func create(directory: String, name: String) throws -> BatchFile {
      try FileSystem.makeDirectories(directory, mode: 0o755)
      let finalPath = directory + "/" + name
      guard !FileSystem.exists(finalPath) else {
        throw GenerationError.batchFileExists(path: finalPath)
      }
      let temporaryPath = directory + "/." + name + ".tmp"
      let descriptor = try FileSystem.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
      var buffer: [UInt8] = []
      buffer.reserveCapacity(chunkSize + (128 << 10))
      return BatchFile(
        temporaryPath: temporaryPath, finalPath: finalPath, descriptor: descriptor, buffer: buffer)
    }

    /// Writes the buffer out once it holds a chunk.
    mutating func flushIfFull() throws {
      if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Writes the whole buffer to the temporary file.
    mutating func flush() throws {
      let descriptor = descriptor
      let path = temporaryPath
      try buffer.withUnsafeBytes { raw in
        Result { () throws(FileSystemError) in try FileSystem.writeAll(descriptor, raw, path: path) }
      }.get()
      bytesWritten += buffer.count
      buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the temporary file to its real name.
    mutating func publish() throws {
      try flush()
      FileSystem.close(descriptor)
      descriptor = -1
      try FileSystem.rename(temporaryPath, to: finalPath)
    }

    /// Closes and removes the temporary file after a failure (best effort: the failure being
    /// reported is the one that matters).
    mutating func abandon() {
      if descriptor >= 0 { FileSystem.close(descriptor) }
      descriptor = -1
      try? FileSystem.remove(temporaryPath)
    }
  }
}
