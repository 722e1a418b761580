import LedgerSystem

/// Names of the part files a job writes under `parts/`. Zero-padded so they sort by job.
public enum PartNames {
  package static func pad(_ job: UInt64) -> String {
    let s = String(job)
    return String(repeating: "0", count: max(0, 10 - s.count)) + s
  }

  /// Stateless artifacts of a job's partition (output of reduce), as written by the reduce
  /// attempt named `run` (nil: a store from before attempts named their outputs).
  public static func stateless(job: UInt64, partition: Int, run: String? = nil) -> String {
    "s-\(pad(job))-\(partition)\(run.map { "-" + $0 } ?? "").part"
  }

  /// Stateful artifacts (line segments and summaries) of a job's partition (output of process),
  /// as written by the attempt named `run` (``run(process:attempt:)``; nil: a store from before
  /// attempts named their outputs).
  public static func artifacts(job: UInt64, partition: Int, run: String? = nil) -> String {
    "a-\(pad(job))-\(partition)\(run.map { "-" + $0 } ?? "").part"
  }

  /// Index manifest of a job's partition: the new locations to record (output of process), as
  /// written by the attempt named `run`.
  public static func manifest(job: UInt64, partition: Int, run: String? = nil) -> String {
    "m-\(pad(job))-\(partition)\(run.map { "-" + $0 } ?? "").part"
  }

  /// The name of attempt `attempt` of a task begun by registered process `process` (0: none), as
  /// process outputs carry it. Unique among the attempts that can run at once: a process runs
  /// one attempt of a task at a time, and a process that was presumed gone never comes back
  /// under its id. So an attempt that stalled past its lease (a zombie) writes and discards only
  /// files of its own, never those of the attempt that took its task over.
  public static func run(process: Int64?, attempt: Int) -> String {
    "\(process ?? 0)x\(attempt)"
  }

  /// Rejected lines of a job, under `rejects/`.
  public static func rejects(job: UInt64) -> String { "\(pad(job)).jsonl" }

  /// Rejected lines of range `range` of a job's reduce, under `rejects/`: the job's file for range
  /// 0, then `.NNNN` (so the folder in name order lists them in range order, before process's
  /// `.process-P`).
  public static func rejects(job: UInt64, range: Int) -> String {
    let file = rejects(job: job)
    guard range > 0 else { return file }
    let digits = String(range)
    return file + "." + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// The run name of range `range`'s parts, for a reduce planned as several ranges: the
  /// attempt's `run` and the range (`3x1r2`).
  public static func rangeRun(_ run: String, range: Int) -> String { "\(run)r\(range)" }

  /// Whether `name` holds artifact records (process output `a-…` or compaction output `c-…`).
  public static func isArtifactPart(_ name: String) -> Bool {
    name.hasPrefix("a-") || name.hasPrefix("c-")
  }

  /// Sizes of the artifact part files in `partsDirectory`, by name.
  package static func artifactPartSizes(in partsDirectory: String) throws -> [String: Int64] {
    var sizes: [String: Int64] = [:]
    for name in try FileSystem.listIfPresent(partsDirectory) where isArtifactPart(name) {
      let path = "\(partsDirectory)/\(name)"
      // A part deleted by compaction between the listing and the stat no longer counts.
      guard FileSystem.exists(path) else { continue }
      sizes[name] = try FileSystem.size(of: path)
    }
    return sizes
  }

  /// Total bytes of the artifact part files in `partsDirectory`.
  package static func artifactPartBytes(in partsDirectory: String) throws -> Int64 {
    try artifactPartSizes(in: partsDirectory).values.reduce(0, +)
  }

  /// The job, partition and attempt (`run`) of a process attempt's artifact part, parsed from its
  /// name (`a-JOB-PARTITION-RUN.part`); nil for any other name (compaction's, or an artifact part
  /// from before attempts named their outputs).
  public static func processRun(ofArtifactPart name: String) -> (job: UInt64, partition: Int, run: String)? {
    guard name.hasPrefix("a-"), name.hasSuffix(".part") else { return nil }
    let fields = name.dropLast(".part".count).split(separator: "-")
    guard fields.count == 4, let job = UInt64(fields[1]), let partition = Int(fields[2]) else { return nil }
    return (job, partition, String(fields[3]))
  }

  /// The job a part file belongs to, parsed from its name (`x-JOB-PARTITION[-RUN].part`).
  public static func job(ofPart name: String) -> UInt64? {
    let parts = name.split(separator: "-")
    guard parts.count == 3 || parts.count == 4 else { return nil }
    return UInt64(parts[1])
  }
}

/// Stable partitioning of order ids (FNV-1a 64; Swift's `hashValue` is seeded per process).
/// Reduce hashes each order id once: the same hash picks the partition and seeds the
/// partition buffer's table.
public enum KeyPartition {
  /// FNV-1a 64 of the key's UTF-8 bytes.
  public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return h
  }

  /// FNV-1a 64 of `key`'s UTF-8 bytes.
  public static func hash(_ key: String) -> UInt64 {
    var key = key
    return key.withUTF8 { hash($0) }
  }

  /// The partition of a key whose `hash` is given.
  public static func of(hash: UInt64, partitions: Int) -> Int {
    Int(hash % UInt64(partitions))
  }

  /// The partition of `key`.
  public static func of(_ key: String, partitions: Int) -> Int {
    of(hash: hash(key), partitions: partitions)
  }
}
