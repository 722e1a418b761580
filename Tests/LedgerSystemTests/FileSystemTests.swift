import Foundation
import Glibc
import Synchronization
import Testing

@testable import LedgerSystem

@Suite struct FileSystemTests {
  let root: String

  init() throws {
    root = FileManager.default.temporaryDirectory.path + "/ledgerline-system-" + UUID().uuidString
    try FileSystem.makeDirectories(root)
  }

  /// A producer holding a file open for writing is seen; once it closes the file, it is not.
  @Test func aFileHeldOpenForWritingIsSeenAsSuch() throws {
    let path = "\(root)/growing.jsonl"
    try FileSystem.writeAtomically(Array("line 1\n".utf8), to: path)
    let reader = try FileSystem.open(path, O_RDONLY | O_NONBLOCK)
    defer { FileSystem.close(reader) }
    guard let idle = FileSystem.isOpenForWriting(reader) else {
      print("SKIPPED aFileHeldOpenForWritingIsSeenAsSuch: this file system grants no leases (\(root))")
      return
    }
    #expect(!idle)
    let writer = try FileSystem.open(path, O_WRONLY | O_APPEND)
    #expect(FileSystem.isOpenForWriting(reader) == true)
    FileSystem.close(writer)
    #expect(FileSystem.isOpenForWriting(reader) == false)
    let otherReader = try FileSystem.open(path, O_RDONLY)
    #expect(FileSystem.isOpenForWriting(reader) == false, "a reader is not a writer")
    FileSystem.close(otherReader)
  }

  /// Starting writeback is a hint on an open file, and an error naming the call and the path on
  /// a descriptor that is not open (never silently nothing).
  @Test func startingWritebackOfAClosedFileThrowsNamingIt() throws {
    let path = "\(root)/part.tmp"
    let fd = try FileSystem.open(path, O_WRONLY | O_CREAT)
    try FileSystem.writeAll(fd, UnsafeRawBufferPointer(start: nil, count: 0), path: path)
    try FileSystem.startWriteback(fd, offset: 0, count: 0, path: path)
    FileSystem.close(fd)
    #expect {
      try FileSystem.startWriteback(fd, offset: 0, count: 0, path: path)
    } throws: { error in
      "\(error)".contains("sync_file_range") && "\(error)".contains(path)
    }
  }

  @Test func listingAMissingDirectoryThrowsNamingIt() {
    let missing = root + "/nope"
    #expect(throws: FileSystemError(operation: "list", path: missing, errno: ENOENT)) {
      try FileSystem.list(missing)
    }
    #expect((try? FileSystem.listIfPresent(missing)) == [])
  }

  @Test func listingAnUnreadableDirectoryThrowsInsteadOfLookingEmpty() throws {
    let dir = root + "/locked"
    try FileSystem.makeDirectories(dir)
    try FileSystem.writeAtomically(Array("x".utf8), to: dir + "/a")
    chmod(dir, 0)
    defer { chmod(dir, 0o700) }
    // root reads any directory; the check only means something for other users.
    guard geteuid() != 0 else {
      #expect(try FileSystem.listIfPresent(dir) == ["a"])
      return
    }
    #expect(throws: FileSystemError.self) { try FileSystem.listIfPresent(dir) }
  }

  @Test func listIsSortedByBytes() throws {
    for name in ["b", "a", "B", "é", "c"] {
      try FileSystem.writeAtomically([], to: root + "/" + name)
    }
    #expect(try FileSystem.list(root) == ["B", "a", "b", "c", "é"])
  }

  @Test func writeAtomicallyThenReadAllRoundTrips() throws {
    let path = root + "/file"
    try FileSystem.writeAtomically(Array("hello\n".utf8), to: path)
    #expect(try FileSystem.readText(path) == "hello\n")
    #expect(try FileSystem.size(of: path) == 6)
    #expect(try FileSystem.kind(of: path) == .regular)
    #expect(try FileSystem.list(root) == ["file"])  // no temporary left behind
  }

  @Test func readAllWithNoFollowRefusesASymbolicLink() throws {
    let target = root + "/target"
    try FileSystem.writeAtomically(Array("secret".utf8), to: target)
    let link = root + "/link"
    #expect(symlink(target, link) == 0)
    #expect(try FileSystem.kind(of: link) == .symbolicLink)
    #expect(throws: FileSystemError(operation: "open", path: link, errno: ELOOP)) {
      try FileSystem.readAll(link, noFollow: true)
    }
    #expect(try FileSystem.readText(link) == "secret")
  }

  @Test func readAllWithNoFollowNeverBlocksOnAFIFO() throws {
    let fifo = root + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(try FileSystem.kind(of: fifo) == .fifo)
    #expect(throws: FileSystemError(operation: "read", path: fifo, errno: EINVAL)) {
      try FileSystem.readAll(fifo, noFollow: true)
    }
  }

  @Test func removeIgnoresAMissingFileButRenameDoesNot() throws {
    try FileSystem.remove(root + "/never-there")
    #expect(throws: FileSystemError.self) {
      try FileSystem.rename(root + "/never-there", to: root + "/x")
    }
  }

  @Test func linkRefusesToOverwrite() throws {
    try FileSystem.writeAtomically(Array("1".utf8), to: root + "/one")
    try FileSystem.writeAtomically(Array("2".utf8), to: root + "/two")
    #expect(throws: FileSystemError(operation: "link \(root)/one as", path: root + "/two", errno: EEXIST)) {
      try FileSystem.link(root + "/one", to: root + "/two")
    }
    #expect(try FileSystem.readText(root + "/two") == "2")
  }

  @Test func errorsSayWhatFailedAndWhere() {
    let error = FileSystemError(operation: "fsync", path: "/d/parts/x.part", errno: ENOSPC)
    #expect(error.description == "could not fsync /d/parts/x.part: No space left on device (errno 28)")
    #expect(error.isTransient)
    #expect(!FileSystemError(operation: "open", path: "/x", errno: EACCES).isTransient)
  }

  @Test func parentOfPaths() {
    #expect(FileSystem.parent(of: "/a/b/c") == "/a/b")
    #expect(FileSystem.parent(of: "/a") == "/")
    #expect(FileSystem.parent(of: "a") == ".")
  }
}

@Suite struct ParallelMapTests {
  struct Boom: Error, Equatable { var index: Int }

  @Test func resultsComeBackInIndexOrder() throws {
    let squares = try parallelMap(100) { $0 * $0 }
    #expect(squares == (0..<100).map { $0 * $0 })
    #expect(try parallelMap(0) { $0 }.isEmpty)
  }

  @Test func theLowestFailingIndexIsRethrownAfterAllIterationsRan() {
    let ran = Mutex(0)
    #expect(throws: Boom(index: 3)) {
      _ = try parallelMap(20) { index in
        ran.withLock { $0 += 1 }
        if index == 3 || index == 17 { throw Boom(index: index) }
        return index
      }
    }
    #expect(ran.withLock { $0 } == 20)
  }
}

@Suite struct SHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func matchesTheFIPS180Vectors(text: String, digest: String) {
    #expect(SHA256.hex(of: text) == digest)
  }

  @Test func updatesInPiecesEqualOneUpdate() {
    let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    var pieces = SHA256()
    bytes.withUnsafeBytes { raw in
      pieces.update(UnsafeRawBufferPointer(rebasing: raw[0..<777]))
      pieces.update(UnsafeRawBufferPointer(rebasing: raw[777...]))
    }
    #expect(pieces.finalize() == bytes.withUnsafeBytes { SHA256.hex(of: $0) })
  }
}
