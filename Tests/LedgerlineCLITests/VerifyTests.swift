import Foundation
import Testing

extension CLISuite {
  /// Issue 12, "nothing lost, nothing doubled": `ledgerline verify` prints the whole report, then
  /// exits 0 when the store is whole and 1 when it found a problem; `--json` is one object.
  @Suite struct VerifyTests {
    static let reportKeys = [
      "checked", "data_directory", "notice_count", "notices", "problem_count", "problems", "whole",
    ]

    /// SPEC §5: part files carry their store's id. Two stores built from the same inbox write
    /// parts of the same names; one copied over the other's is refused by `lookup` and named by
    /// `verify`, never read as this store's records (a balance shown from another store).
    @Test func aPartCopiedInFromAnotherStoreIsRefusedAndNamed() throws {
      let fixture = try ProcessedData("foreign-part")
      let other = try ProcessedData("foreign-part-source")
      let order = "ord-00000001"
      let file = try fixture.lookup(order).child("location").string("file")
      try FileManager.default.removeItem(atPath: "\(fixture.data)/\(file)")
      try FileManager.default.copyItem(atPath: "\(other.data)/\(file)", toPath: "\(fixture.data)/\(file)")
      let part = file.dropFirst("parts/".count)
      let lookup = try fixture.binary.run(["lookup", "--data", fixture.data, order])
      #expect(lookup.exited(1), "\(lookup.summary)")
      #expect(lookup.stdout == "")
      #expect(lookup.stderr.contains("part \(part) was written for store "), "\(lookup.stderr)")
      #expect(lookup.stderr.contains("`ledgerline rebuild`"), "\(lookup.stderr)")
      let verify = try fixture.binary.run(["verify", "--data", fixture.data])
      #expect(verify.exited(1), "\(verify.summary)")
      #expect(verify.stdout.contains("part \(part) was written for store "), "\(verify.stdout)")
    }

    @Test func verifyExitsZeroOnAWholeStoreAndOneNamingTheRecordAfterAByteFlips() throws {
      let fixture = try ProcessedData("verify")
      let whole = try fixture.binary.run(["verify", "--data", fixture.data])
      #expect(whole.exited(0), "\(whole.summary)")
      #expect(whole.stderr == "")
      #expect(
        whole.stdoutLines.first?.hasPrefix("checked \(fixture.data): \(fixture.report.distinctOrders) artifacts, ")
          == true)
      #expect(whole.stdoutLines.last?.hasPrefix("the store is whole: ") == true, "\(whole.stdout)")
      let wholeJSON = try fixture.binary.run(["verify", "--data", fixture.data, "--json"])
      #expect(wholeJSON.exited(0), "\(wholeJSON.summary)")
      let clean = try JSONLine(wholeJSON.stdout, command: wholeJSON.command)
      #expect(clean.keys == Self.reportKeys)
      #expect(try clean.bool("whole"))
      #expect(try clean.int("problem_count") == 0)
      #expect(try clean.child("checked").int("artifacts") == fixture.report.distinctOrders)

      let order = "ord-00000001"
      let location = try fixture.lookup(order).child("location")
      let file = try location.string("file")
      let offset = try location.int("offset")
      try flipByte(at: offset + 16, in: "\(fixture.data)/\(file)")

      let broken = try fixture.binary.run(["verify", "--data", fixture.data])
      #expect(broken.exited(1), "\(broken.summary)")
      #expect(broken.stderr == "")
      let part = file.dropFirst("parts/".count)
      #expect(
        broken.stdoutLines.contains(
          where: {
            $0.hasPrefix(
              "problem: \(file) offset \(offset), order \(order): checksum mismatch in part \(part) at offset \(offset) "
            )
          }), "\(broken.stdout)")
      #expect(broken.stdoutLines.last == "the store is NOT whole: 1 problem (above)")
      let brokenJSON = try fixture.binary.run(["verify", "--data", fixture.data, "--json"])
      #expect(brokenJSON.exited(1), "\(brokenJSON.summary)")
      let report = try JSONLine(brokenJSON.stdout, command: brokenJSON.command)
      #expect(report.keys == Self.reportKeys)
      #expect(try !report.bool("whole"))
      #expect(try report.int("problem_count") == 1)
      let problem = try #require(try report.children("problems").first)
      #expect(problem.keys == ["file", "input_batch", "kind", "message", "offset", "order_id"])
      #expect(try problem.string("kind") == "corrupt-record")
      #expect(try problem.string("file") == file)
      #expect(try problem.int("offset") == offset)
      #expect(try problem.string("order_id") == order)
    }

    @Test func verifyOfAMissingDataDirectoryExitsOneAndSaysWhatToDo() throws {
      let scratch = try ScratchDirectory("verify-missing")
      let data = "\(scratch.path)/nothing-here"
      let result = try scratch.binary.run(["verify", "--data", data])
      #expect(result.exited(1), "\(result.summary)")
      #expect(result.stdout == "")
      #expect(result.stderr.hasPrefix("error: no Ledgerline data directory at \(data) (no ledger.sqlite)"))
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
