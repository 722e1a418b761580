import Glibc
import LedgerStorage
import LedgerTesting
import Testing

@testable import LedgerSQLite

@Suite struct SQLiteWorkflowLedgerMigrationTests {
  @Test func aLedgerOfTheFirstSchemaGainsFingerprintsAndKeepsItsBatches() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let db = try SQLiteDatabase(path: path)
      try db.execute(
        """
        CREATE TABLE input_batches(
          id INTEGER PRIMARY KEY, source TEXT NOT NULL, name TEXT NOT NULL,
          from_s INTEGER NOT NULL, to_s INTEGER NOT NULL, bytes INTEGER NOT NULL,
          archive_path TEXT NOT NULL, scan INTEGER NOT NULL, registered_at INTEGER NOT NULL,
          job INTEGER, UNIQUE(source, name));
        INSERT INTO input_batches(source, name, from_s, to_s, bytes, archive_path, scan, registered_at)
          VALUES ('web', 'a.jsonl', 0, 60, 5, 'archive/web/a.jsonl', 1, 10);
        """)
    }
    let ledger = try SQLiteWorkflowLedger(path: path)
    #expect(try ledger.inputBatches(source: "web").map(\.batch.name) == ["a.jsonl"])
    #expect(try ledger.inputBatches(source: "web").first?.batch.sha256 == nil)
    let version = try ledger.db.withConnection { try $0.scalarInt64("PRAGMA user_version") }
    #expect(version == SQLiteWorkflowLedger.schemaVersion)
  }

  /// A current ledger at `path` with one input and job 1 reducing (attempt 1).
  static func ledgerReducingOneJob(at path: String) throws -> (SQLiteWorkflowLedger, JobRecord) {
    let ledger = try SQLiteWorkflowLedger(path: path)
    _ = try ledger.register(
      [
        NewInputBatch(
          source: "web", name: "a.jsonl", from: 0, to: 60, bytes: 5, archivePath: "archive/web/a.jsonl", scan: 1)
      ],
      at: 1)
    let job = try ledger.createJob(inputs: [1], partitions: 1, at: 2)
    _ = try ledger.beginTask(.reduce(job.seq), at: 3)
    return (ledger, job)
  }

  /// A schema-5 ledger (before blank lines were counted per job): its jobs gain the count, 0,
  /// and keep every other count.
  @Test func aSchema5LedgerGainsBlankLineCounts() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let (ledger, job) = try Self.ledgerReducingOneJob(at: path)
      var counts = JobCounts()
      counts.events = 7
      try ledger.completeTask(.reduce(job.seq), attempt: 1, counts: counts, at: 4)
      try ledger.db.execute("ALTER TABLE jobs DROP COLUMN blank_lines; PRAGMA user_version = 5;")
    }
    let ledger = try SQLiteWorkflowLedger(path: path)
    let job = try #require(try ledger.job(1))
    #expect(job.counts.events == 7 && job.counts.blankLines == 0)
    let version = try ledger.db.withConnection { try $0.scalarInt64("PRAGMA user_version") }
    #expect(version == SQLiteWorkflowLedger.schemaVersion)
  }

  /// A schema-6 ledger (before reduce ranges had rows): each job gains range 0, in the state of
  /// its own reduce while it reduces (an interrupted attempt pending again), done once past it.
  @Test func aSchema6LedgerGivesEachJobItsFirstRange() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let (ledger, job) = try Self.ledgerReducingOneJob(at: path)
      var counts = JobCounts()
      counts.events = 7
      counts.keys = 3
      try ledger.completeTask(.reduce(job.seq), attempt: 1, counts: counts, at: 4)
      _ = try ledger.register(
        [
          NewInputBatch(
            source: "web", name: "b.jsonl", from: 60, to: 120, bytes: 5, archivePath: "archive/web/b.jsonl", scan: 2),
          NewInputBatch(
            source: "web", name: "c.jsonl", from: 120, to: 180, bytes: 5, archivePath: "archive/web/c.jsonl", scan: 2),
        ],
        at: 5)
      _ = try ledger.createJob(inputs: [2], partitions: 1, at: 6)
      _ = try ledger.beginTask(.reduce(2), at: 7)
      try ledger.failTask(.reduce(2), attempt: 1, kind: .contention, message: "busy", nextAttemptAt: 90, at: 8)
      _ = try ledger.createJob(inputs: [3], partitions: 1, at: 9)
      _ = try ledger.beginTask(.reduce(3), at: 10)
      try ledger.db.execute(
        "DROP TABLE reduce_ranges; ALTER TABLE stage_runs DROP COLUMN range_no; PRAGMA user_version = 6;")
    }
    let ledger = try SQLiteWorkflowLedger(path: path)
    var counts = JobCounts()
    counts.events = 7
    counts.keys = 3
    #expect(
      try ledger.reduceRanges(job: 1) == [
        ReduceRangeRecord(job: 1, range: 0, state: TaskState(stage: .reduce, status: .done), counts: counts)
      ])
    #expect(try ledger.stageRuns(jobs: [1, 2, 3]).values.flatMap { $0 }.map(\.range) == [0, 0, 0])
    #expect(
      try ledger.reduceRanges(job: 2).map(\.state) == [
        TaskState(
          stage: .reduce, status: .retrying, attempts: 1, nextAttemptAt: 90, lastError: "busy",
          lastErrorKind: .contention)
      ])
    #expect(try ledger.reduceRanges(job: 3).map(\.state) == [TaskState(stage: .reduce, status: .pending, attempts: 1)])
    try ledger.resetInterruptedStages(at: 20)
    #expect(try ledger.beginTask(.reduce(3), at: 21) == 2)
    let version = try ledger.db.withConnection { try $0.scalarInt64("PRAGMA user_version") }
    #expect(version == SQLiteWorkflowLedger.schemaVersion)
  }

  /// A schema-4 ledger (before the process registry): its attempts keep no process, and it
  /// gains the registry on opening; a reader refuses it until then.
  @Test func aSchema4LedgerGainsTheProcessRegistry() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let (ledger, _) = try Self.ledgerReducingOneJob(at: path)
      try ledger.db.execute(
        """
        DROP TABLE processes;
        ALTER TABLE stage_runs DROP COLUMN process;
        PRAGMA user_version = 4;
        """)
    }
    let refused = try #require(throws: LedgerError.self) { try SQLiteWorkflowLedger(path: path, mode: .readOnly) }
    #expect(
      "\(refused)".contains("has schema version 4, older than this ledgerline's \(SQLiteWorkflowLedger.schemaVersion)"))
    let ledger = try SQLiteWorkflowLedger(path: path)
    #expect(try ledger.stageRuns(job: 1).map(\.process) == [nil])
    let me = try ledger.registerProcess(NewProcess(host: "h", pid: 1, osUser: "u"), at: 4)
    #expect(try ledger.processes(recentlyEnded: 0) == [me])
  }

  /// A schema-3 ledger (jobs moved through the stages as a whole) with a job interrupted at
  /// process: on opening, it gets its 4 partitions at process, pending; a finished job and one
  /// still at reduce get none.
  @Test func aJobPastReduceInASchema3LedgerGetsItsPartitions() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let db = try SQLiteDatabase(path: path)
      try db.execute(SQLiteWorkflowLedger.schema)
      try db.execute(
        """
        ALTER TABLE input_batches ADD COLUMN sha256 TEXT;
        ALTER TABLE input_batches ADD COLUMN quarantined_at INTEGER;
        INSERT INTO jobs(seq, stage, status, attempts, created_at) VALUES (1, 'index', 'done', 0, 1);
        INSERT INTO jobs(seq, stage, status, attempts, created_at) VALUES (2, 'process', 'running', 2, 2);
        INSERT INTO jobs(seq, stage, status, attempts, created_at) VALUES (3, 'reduce', 'pending', 0, 3);
        INSERT INTO stage_runs(job, stage, attempt, started_at) VALUES (2, 'process', 2, 10);
        PRAGMA user_version = 3;
        """)
    }
    // A reader does not upgrade: it says how to.
    let refused = try #require(throws: LedgerError.self) { try SQLiteWorkflowLedger(path: path, mode: .readOnly) }
    #expect(
      "\(refused)".contains("has schema version 3, older than this ledgerline's \(SQLiteWorkflowLedger.schemaVersion)"))
    let ledger = try SQLiteWorkflowLedger(path: path)
    _ = try SQLiteWorkflowLedger(path: path, mode: .readOnly)
    #expect(try ledger.partitionTasks(job: 1).isEmpty)
    #expect(try ledger.partitionTasks(job: 3).isEmpty)
    let tasks = try ledger.partitionTasks(job: 2)
    #expect(tasks.map(\.partition) == [0, 1, 2, 3])
    #expect(tasks.allSatisfy { $0.state == TaskState(stage: .process, status: .pending, attempts: 2) })
    #expect(try ledger.job(2)?.partitions == 4)
    #expect(try ledger.stageRuns(job: 2).first?.partition == nil)
    let version = try ledger.db.withConnection { try $0.scalarInt64("PRAGMA user_version") }
    #expect(version == SQLiteWorkflowLedger.schemaVersion)
  }

  @Test func aLedgerFromANewerBuildIsRefused() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    do {
      let db = try SQLiteDatabase(path: path)
      try db.execute("PRAGMA user_version = 99")
    }
    #expect(throws: LedgerError.self) { try SQLiteWorkflowLedger(path: path) }
    do {
      _ = try SQLiteWorkflowLedger(path: path)
    } catch {
      #expect(
        "\(error)".hasSuffix(
          "has schema version 99; this ledgerline understands up to \(SQLiteWorkflowLedger.schemaVersion) — upgrade ledgerline"
        ))
    }
  }

  @Test func databaseFilesArePrivateToTheirOwner() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("ledger.sqlite")
    let ledger = try SQLiteWorkflowLedger(path: path)
    _ = try ledger.register(
      [NewInputBatch(source: "web", name: "a", from: 0, to: 1, bytes: 0, archivePath: "x", scan: 1)], at: 1)
    for file in [path, path + "-wal", path + "-shm"] {
      var info = stat()
      #expect(stat(file, &info) == 0, "\(file) missing")
      #expect(info.st_mode & 0o777 == 0o600, "\(file) has mode \(String(info.st_mode & 0o777, radix: 8))")
    }
  }
}
