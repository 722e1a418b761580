import LedgerDomain
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
      do {
        try FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw GenerationError.fileSystem(
          operation: "create the directory", path: directory, reason: "\(error)")
      }
      let finalPath = directory + "/" + name
      guard access(finalPath, F_OK) != 0 else {
        throw GenerationError.batchFileExists(path: finalPath)
      }
      let temporaryPath = directory + "/." + name + ".tmp"
      let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw GenerationError.fileSystem(
          operation: "create", path: temporaryPath, reason: systemReason())
      }
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
        guard let base = raw.baseAddress else { return }
        var offset = 0
        while offset < raw.count {
          let written = systemWrite(descriptor, base + offset, raw.count - offset)
          if written < 0 && errno == EINTR { continue }
          guard written > 0 else {
            throw GenerationError.fileSystem(operation: "write", path: path, reason: systemReason())
          }
          offset += written
        }
      }
      bytesWritten += buffer.count
      buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the temporary file to its real name.
    mutating func publish() throws {
      try flush()
      let closed = close(descriptor)
      descriptor = -1
      guard closed == 0 else {
        throw GenerationError.fileSystem(
          operation: "close", path: temporaryPath, reason: systemReason())
      }
      guard rename(temporaryPath, finalPath) == 0 else {
        throw GenerationError.fileSystem(
          operation: "rename to \"\(finalPath)\"", path: temporaryPath, reason: systemReason())
      }
    }

    /// Closes and removes the temporary file after a failure (best effort).
    mutating func abandon() {
      if descriptor >= 0 { _ = close(descriptor) }
      descriptor = -1
      _ = unlink(temporaryPath)
    }

    private static func systemReason() -> String {
      String(cString: strerror(errno)) + " (errno \(errno))"
    }

    private func systemWrite(_ descriptor: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
      #if canImport(Glibc)
        Glibc.write(descriptor, base, count)
      #else
        Darwin.write(descriptor, base, count)
      #endif
    }

    private func systemReason() -> String { Self.systemReason() }
  }
}
