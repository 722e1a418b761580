import LedgerStorage

extension SQLiteWorkflowLedger {
  private static let jobColumns = """
    seq, stage, status, attempts, next_attempt_at, last_error, last_error_kind, input_bytes,
    events, rejects, keys, duplicates, lines_applied, artifacts_written, bytes_written, created_at,
    partitions, blank_lines
    """

  private static func jobRecord(_ s: SQLiteStatement) throws -> JobRecord {
    let stageText = try s.string(at: 1)
    let statusText = try s.string(at: 2)
    guard let stage = Stage(rawValue: stageText) else {
      throw LedgerError.badValue(column: "jobs.stage", value: stageText)
    }
    guard let status = JobStatus(rawValue: statusText) else {
      throw LedgerError.badValue(column: "jobs.status", value: statusText)
    }
    var counts = JobCounts()
    counts.inputBytes = s.int64(at: 7)
    counts.events = s.int64(at: 8)
    counts.rejects = s.int64(at: 9)
    counts.keys = s.int64(at: 10)
    counts.duplicates = s.int64(at: 11)
    counts.linesApplied = s.int64(at: 12)
    counts.artifactsWritten = s.int64(at: 13)
    counts.bytesWritten = s.int64(at: 14)
    counts.blankLines = s.int64(at: 17)
    var record = JobRecord(
      seq: UInt64(s.int64(at: 0)), inputs: [], stage: stage, status: status,
      attempts: s.int(at: 3), nextAttemptAt: s.isNull(at: 4) ? nil : s.int64(at: 4),
      lastError: s.optionalString(at: 5),
      lastErrorKind: s.optionalString(at: 6).flatMap(FailureKind.init(rawValue:)),
      counts: counts, timings: [:], createdAt: s.int64(at: 15))
    record.partitions = s.int(at: 16)
    return record
  }

  /// Jobs matching `clause`, with their inputs and stage timings filled in.
  private func jobs(where clause: String, _ values: [SQLiteValue]) throws -> [JobRecord] {
    try db.withConnection { conn in
      var jobs: [JobRecord] = []
      try conn.query("SELECT \(Self.jobColumns) FROM jobs \(clause)", values) {
        jobs.append(try Self.jobRecord($0))
      }
      guard let lo = jobs.map(\.seq).min(), let hi = jobs.map(\.seq).max() else { return jobs }
      var index: [UInt64: Int] = [:]
      for (i, job) in jobs.enumerated() { index[job.seq] = i }
      try conn.query(
        "SELECT job, id FROM input_batches WHERE job BETWEEN ? AND ? ORDER BY id",
        [.integer(Int64(lo)), .integer(Int64(hi))]
      ) { s in
        if let i = index[UInt64(s.int64(at: 0))] { jobs[i].inputs.append(s.int64(at: 1)) }
      }
      // Per (job, stage, partition) totals; `StageTiming.combining` makes the stage's time.
      var perPartition: [UInt64: [Stage: [TaskRunTotals]]] = [:]
      try conn.query(
        """
        SELECT job, stage, MIN(started_at), MAX(ended_at), COUNT(*),
          SUM(CASE WHEN ended_at IS NOT NULL THEN ended_at - started_at END) FROM stage_runs
        WHERE job BETWEEN ? AND ? GROUP BY job, stage, partition_no
        """,
        [.integer(Int64(lo)), .integer(Int64(hi))]
      ) { s in
        guard let stage = Stage(rawValue: try s.string(at: 1)) else { return }
        perPartition[UInt64(s.int64(at: 0)), default: [:]][stage, default: []].append(
          TaskRunTotals(
            start: s.isNull(at: 2) ? nil : s.int64(at: 2), end: s.isNull(at: 3) ? nil : s.int64(at: 3),
            runs: s.int(at: 4), working: s.isNull(at: 5) ? nil : s.int64(at: 5)))
      }
      for (job, stages) in perPartition {
        guard let i = index[job] else { continue }
        for (stage, tasks) in stages {
          let (timing, attempts) = StageTiming.combining(tasks)
          jobs[i].timings[stage] = timing
          jobs[i].totalAttempts += attempts
        }
      }
      return jobs
    }
  }

  public func job(_ seq: UInt64) throws -> JobRecord? {
    try jobs(where: "WHERE seq = ?", [.integer(Int64(seq))]).first
  }

  public func unfinishedJobs() throws -> [JobRecord] {
    try jobs(where: "WHERE status != 'done' ORDER BY seq", [])
  }

  public func recentJobs(limit: Int) throws -> [JobRecord] {
    let maxSeq = try db.withConnection { try $0.scalarInt64("SELECT MAX(seq) FROM jobs") } ?? 0
    return try jobs(
      where: "WHERE seq > ? ORDER BY seq", [.integer(max(0, maxSeq - Int64(limit)))])
  }

  private static let taskColumns = "stage, status, attempts, next_attempt_at, last_error, last_error_kind"

  /// A task state from `taskColumns` starting at column `at`.
  private static func taskState(_ s: SQLiteStatement, at c: Int32, table: String) throws -> TaskState {
    let stageText = try s.string(at: c)
    let statusText = try s.string(at: c + 1)
    guard let stage = Stage(rawValue: stageText) else {
      throw LedgerError.badValue(column: "\(table).stage", value: stageText)
    }
    guard let status = JobStatus(rawValue: statusText) else {
      throw LedgerError.badValue(column: "\(table).status", value: statusText)
    }
    return TaskState(
      stage: stage, status: status, attempts: s.int(at: c + 2),
      nextAttemptAt: s.isNull(at: c + 3) ? nil : s.int64(at: c + 3),
      lastError: s.optionalString(at: c + 4),
      lastErrorKind: s.optionalString(at: c + 5).flatMap(FailureKind.init(rawValue:)))
  }

  private func partitionTasks(_ conn: SQLiteConnection, where clause: String, _ values: [SQLiteValue]) throws
    -> [PartitionTaskRecord]
  {
    var out: [PartitionTaskRecord] = []
    try conn.query(
      "SELECT job, partition_no, \(Self.taskColumns) FROM partition_tasks \(clause) ORDER BY job, partition_no", values
    ) { s in
      out.append(
        PartitionTaskRecord(
          job: UInt64(s.int64(at: 0)), partition: s.int(at: 1),
          state: try Self.taskState(s, at: 2, table: "partition_tasks")))
    }
    return out
  }

  public func partitionTasks(job: UInt64) throws -> [PartitionTaskRecord] {
    try db.withConnection { try partitionTasks($0, where: "WHERE job = ?", [.integer(Int64(job))]) }
  }

  public func unfinishedPartitionTasks() throws -> [PartitionTaskRecord] {
    try db.withConnection { try partitionTasks($0, where: "WHERE status != 'done'", []) }
  }

  private func reduceRanges(_ conn: SQLiteConnection, where clause: String, _ values: [SQLiteValue]) throws
    -> [ReduceRangeRecord]
  {
    var out: [ReduceRangeRecord] = []
    try conn.query(
      """
      SELECT job, range_no, \(Self.taskColumns), input_bytes, events, rejects, keys, blank_lines,
        input_first, input_last, input, byte_from, byte_to, first_line, sha256
      FROM reduce_ranges \(clause) ORDER BY job, range_no
      """, values
    ) { s in
      var counts = JobCounts()
      counts.inputBytes = s.int64(at: 8)
      counts.events = s.int64(at: 9)
      counts.rejects = s.int64(at: 10)
      counts.keys = s.int64(at: 11)
      counts.blankLines = s.int64(at: 12)
      var extent: RangeExtent?
      if !s.isNull(at: 13) {
        extent = .inputs(first: s.int64(at: 13), last: s.int64(at: 14))
      } else if !s.isNull(at: 15) {
        extent = .segment(
          input: s.int64(at: 15),
          InputSegment(
            byteFrom: s.int64(at: 16), byteTo: s.int64(at: 17), firstLine: s.int64(at: 18),
            sha256: try s.string(at: 19)))
      }
      out.append(
        ReduceRangeRecord(
          job: UInt64(s.int64(at: 0)), range: s.int(at: 1), state: try Self.taskState(s, at: 2, table: "reduce_ranges"),
          counts: counts, extent: extent))
    }
    return out
  }

  public func reduceRanges(job: UInt64) throws -> [ReduceRangeRecord] {
    try db.withConnection { try reduceRanges($0, where: "WHERE job = ?", [.integer(Int64(job))]) }
  }

  public func unfinishedReduceRanges() throws -> [ReduceRangeRecord] {
    try db.withConnection { try reduceRanges($0, where: "WHERE status != 'done'", []) }
  }

  /// The state of `task`'s row: a range's for reduce, else the partition's.
  private func state(_ conn: SQLiteConnection, of task: TaskRef) throws -> TaskState {
    var found: TaskState?
    if let p = task.partition {
      try conn.query(
        "SELECT \(Self.taskColumns) FROM partition_tasks WHERE job = ? AND partition_no = ?",
        [.integer(Int64(task.job)), .integer(Int64(p))]
      ) { found = try Self.taskState($0, at: 0, table: "partition_tasks") }
      guard let found else {
        guard try conn.scalarInt64("SELECT 1 FROM jobs WHERE seq = ?", [.integer(Int64(task.job))]) != nil else {
          throw LedgerError.unknownJob(task.job)
        }
        throw LedgerError.unknownPartition(job: task.job, partition: p)
      }
      return found
    }
    let k = task.range ?? 0
    try conn.query(
      "SELECT \(Self.taskColumns) FROM reduce_ranges WHERE job = ? AND range_no = ?",
      [.integer(Int64(task.job)), .integer(Int64(k))]
    ) { found = try Self.taskState($0, at: 0, table: "reduce_ranges") }
    guard let found else {
      guard try conn.scalarInt64("SELECT 1 FROM jobs WHERE seq = ?", [.integer(Int64(task.job))]) != nil else {
        throw LedgerError.unknownJob(task.job)
      }
      throw LedgerError.unknownRange(job: task.job, range: k)
    }
    return found
  }

  private static func values(_ t: TaskState) -> [SQLiteValue] {
    [
      .text(t.stage.rawValue), .text(t.status.rawValue), .integer(Int64(t.attempts)),
      t.nextAttemptAt.map(SQLiteValue.integer) ?? .null, t.lastError.map(SQLiteValue.text) ?? .null,
      t.lastErrorKind.map { SQLiteValue.text($0.rawValue) } ?? .null,
    ]
  }

  private static let setTask =
    "stage = ?, status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, last_error_kind = ?"

  /// Writes `state` to `task`'s row and refreshes its job's aggregate.
  private func write(_ conn: SQLiteConnection, _ state: TaskState, to task: TaskRef) throws {
    if let p = task.partition {
      try conn.run(
        "UPDATE partition_tasks SET \(Self.setTask) WHERE job = ? AND partition_no = ?",
        Self.values(state) + [.integer(Int64(task.job)), .integer(Int64(p))])
    } else {
      try conn.run(
        "UPDATE reduce_ranges SET \(Self.setTask) WHERE job = ? AND range_no = ?",
        Self.values(state) + [.integer(Int64(task.job)), .integer(Int64(task.range ?? 0))])
    }
    try refreshJob(conn, task.job)
  }

  /// The job's row shows the aggregate of its partitions, or of its ranges before it has any.
  private func refreshJob(_ conn: SQLiteConnection, _ job: UInt64) throws {
    let states = try partitionTasks(conn, where: "WHERE job = ?", [.integer(Int64(job))]).map(\.state)
    let aggregate: TaskState
    if states.isEmpty {
      let ranges = try reduceRanges(conn, where: "WHERE job = ?", [.integer(Int64(job))]).map(\.state)
      guard !ranges.isEmpty else { return }
      aggregate = TaskState.reducing(ranges)
    } else {
      aggregate = TaskState.aggregate(states)
    }
    try conn.run("UPDATE jobs SET \(Self.setTask) WHERE seq = ?", Self.values(aggregate) + [.integer(Int64(job))])
  }

  /// Applies `event` to `task` under the shared lifecycle rules (a range's, for reduce); returns
  /// the new state.
  @discardableResult
  private func transition(_ conn: SQLiteConnection, _ task: TaskRef, _ event: TaskState.Event) throws -> TaskState {
    let next = try state(conn, of: task).applying(event, to: task)
    try write(conn, next, to: task)
    return next
  }

  public func beginTask(_ task: TaskRef, at now: Int64, by process: Int64?) throws -> Int {
    try db.transaction { conn in
      if let process,
        try conn.scalarInt64("SELECT 1 FROM processes WHERE id = ? AND stopped_at IS NULL", [.integer(process)]) == nil
      {
        throw LedgerError.processEnded(process)
      }
      let current = try state(conn, of: task)
      let next: TaskState
      do {
        next = try current.applying(.begin(task.stage), to: task)
      } catch is TaskState.IllegalTransition {
        throw LedgerError.notRunnable(
          task: task.description, status: "\(current.status.rawValue) at \(current.stage.rawValue)")
      }
      try write(conn, next, to: task)
      try conn.run(
        """
        INSERT INTO stage_runs(job, stage, partition_no, range_no, attempt, started_at, process)
        VALUES (?,?,?,?,?,?,?)
        """,
        [
          .integer(Int64(task.job)), .text(task.stage.rawValue), task.partition.map { .integer(Int64($0)) } ?? .null,
          task.range.map { .integer(Int64($0)) } ?? .null, .integer(Int64(next.attempts)), .integer(now),
          process.map { .integer($0) } ?? .null,
        ])
      return next.attempts
    }
  }

  /// What a refused outcome throws.
  private static func notRunning(_ task: TaskRef) -> LedgerError {
    .notRunning(
      job: task.job, stage: task.partition.map { "partition \($0) \(task.stage.rawValue)" } ?? task.stage.rawValue)
  }

  public func completeTask(_ task: TaskRef, attempt: Int, counts: JobCounts, at now: Int64) throws {
    try db.transaction { conn in
      do {
        try transition(conn, task, .succeed(task.stage, attempt: attempt))
      } catch is TaskState.IllegalTransition {
        throw Self.notRunning(task)
      }
      try endRun(conn, task: task, outcome: "ok", error: nil, next: nil, now: now)
      if task.partition == nil {
        try conn.run(
          """
          UPDATE reduce_ranges SET input_bytes = ?, events = ?, rejects = ?, keys = ?, blank_lines = ?
          WHERE job = ? AND range_no = ?
          """,
          [
            .integer(counts.inputBytes), .integer(counts.events), .integer(counts.rejects), .integer(counts.keys),
            .integer(counts.blankLines), .integer(Int64(task.job)), .integer(Int64(task.range ?? 0)),
          ])
        let ranges = try reduceRanges(conn, where: "WHERE job = ?", [.integer(Int64(task.job))])
        guard ranges.allSatisfy({ $0.state.status == .done }) else { return }
        try mergeCounts(conn, job: task.job, counts: JobCounts.summing(ranges.map(\.counts)), add: false, all: true)
        let partitions =
          try conn.scalarInt64("SELECT partitions FROM jobs WHERE seq = ?", [.integer(Int64(task.job))]) ?? 1
        for p in 0..<max(1, partitions) {
          try conn.run(
            "INSERT INTO partition_tasks(job, partition_no, stage, status) VALUES (?, ?, 'prefetch', 'pending')",
            [.integer(Int64(task.job)), .integer(p)])
        }
        try refreshJob(conn, task.job)
      } else {
        try mergeCounts(conn, job: task.job, counts: counts, add: true)
      }
    }
  }

  /// A partition's counts are added to the job's; reduce's (`all`) replace every field: a batch
  /// run again from reduce (an input set aside) starts its counts over, its partitions' included.
  private func mergeCounts(_ conn: SQLiteConnection, job: UInt64, counts: JobCounts, add: Bool, all: Bool = false)
    throws
  {
    let fields: [(String, Int64)] = [
      ("input_bytes", counts.inputBytes), ("events", counts.events), ("rejects", counts.rejects),
      ("keys", counts.keys), ("duplicates", counts.duplicates),
      ("lines_applied", counts.linesApplied), ("artifacts_written", counts.artifactsWritten),
      ("bytes_written", counts.bytesWritten), ("blank_lines", counts.blankLines),
    ]
    for (column, value) in fields where value != 0 || all {
      try conn.run(
        "UPDATE jobs SET \(column) = \(add ? "\(column) + " : "")? WHERE seq = ?",
        [.integer(value), .integer(Int64(job))])
    }
  }

  private func endRun(
    _ conn: SQLiteConnection, task: TaskRef, outcome: String, error: String?, next: Int64?, now: Int64
  ) throws {
    try conn.run(
      """
      UPDATE stage_runs SET ended_at = ?, outcome = ?, error = ?, next_attempt_at = ?
      WHERE id = (
        SELECT MAX(id) FROM stage_runs WHERE job = ? AND stage = ? AND partition_no IS ? AND range_no IS ?)
      """,
      [
        .integer(now), .text(outcome), error.map(SQLiteValue.text) ?? .null,
        next.map(SQLiteValue.integer) ?? .null, .integer(Int64(task.job)), .text(task.stage.rawValue),
        task.partition.map { .integer(Int64($0)) } ?? .null, task.range.map { .integer(Int64($0)) } ?? .null,
      ])
  }

  public func failTask(
    _ task: TaskRef, attempt: Int, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64
  ) throws {
    try db.transaction { conn in
      do {
        try transition(
          conn, task, .fail(task.stage, attempt: attempt, kind: kind, message: message, retryAt: nextAttemptAt))
      } catch is TaskState.IllegalTransition {
        throw Self.notRunning(task)
      }
      try endRun(conn, task: task, outcome: kind.rawValue, error: message, next: nextAttemptAt, now: now)
    }
  }

  public func retry(job: UInt64, at now: Int64) throws -> Bool {
    try db.transaction { conn in
      let partitions = try partitionTasks(conn, where: "WHERE job = ?", [.integer(Int64(job))])
      var any = false
      if partitions.isEmpty {
        for range in try reduceRanges(conn, where: "WHERE job = ?", [.integer(Int64(job))])
        where range.state.status == .failed || range.state.status == .retrying {
          try transition(conn, range.task, .operatorRetry)
          any = true
        }
        return any
      }
      for task in partitions where task.state.status == .failed || task.state.status == .retrying {
        try transition(conn, task.task, .operatorRetry)
        any = true
      }
      return any
    }
  }

  public func resetInterruptedStages(at now: Int64) throws {
    try db.transaction { conn in
      try conn.run(
        """
        UPDATE stage_runs SET ended_at = ?, outcome = 'interrupted',
          error = 'the engine stopped during this attempt'
        WHERE ended_at IS NULL
        """, [.integer(now)])
      try conn.run("UPDATE partition_tasks SET status = 'pending' WHERE status = 'running'")
      try conn.run("UPDATE reduce_ranges SET status = 'pending' WHERE status = 'running'")
      try conn.run("UPDATE jobs SET status = 'pending' WHERE status = 'running'")
      var open: [UInt64] = []
      try conn.query(
        """
        SELECT job FROM partition_tasks WHERE status != 'done'
        UNION SELECT job FROM reduce_ranges WHERE status != 'done'
        """
      ) {
        open.append(UInt64($0.int64(at: 0)))
      }
      for job in open { try refreshJob(conn, job) }
    }
  }

  public func expireProcess(_ id: Int64, silentBefore: Int64, note: String, at now: Int64) throws -> Bool {
    try db.transaction { conn in
      guard
        try conn.scalarInt64(
          "SELECT 1 FROM processes WHERE id = ? AND stopped_at IS NULL AND heartbeat_at < ?",
          [.integer(id), .integer(silentBefore)]) != nil
      else { return false }
      try conn.run(
        "UPDATE processes SET stopped_at = ?, end_note = ? WHERE id = ?", [.integer(now), .text(note), .integer(id)])
      var attempts: [(job: Int64, stage: String, partition: Int64?, range: Int64?)] = []
      try conn.query(
        "SELECT job, stage, partition_no, range_no FROM stage_runs WHERE ended_at IS NULL AND process = ?",
        [.integer(id)]
      ) {
        attempts.append(
          (
            $0.int64(at: 0), try $0.string(at: 1), $0.isNull(at: 2) ? nil : $0.int64(at: 2),
            $0.isNull(at: 3) ? nil : $0.int64(at: 3)
          ))
      }
      try conn.run(
        "UPDATE stage_runs SET ended_at = ?, outcome = 'interrupted', error = ? WHERE ended_at IS NULL AND process = ?",
        [.integer(now), .text("the process running this attempt was found gone: \(note)"), .integer(id)])
      for attempt in attempts {
        if let p = attempt.partition {
          try conn.run(
            """
            UPDATE partition_tasks SET status = 'pending'
            WHERE job = ? AND partition_no = ? AND stage = ? AND status = 'running'
            """, [.integer(attempt.job), .integer(p), .text(attempt.stage)])
        } else if attempt.stage == Stage.reduce.rawValue {
          try conn.run(
            "UPDATE reduce_ranges SET status = 'pending' WHERE job = ? AND range_no = ? AND status = 'running'",
            [.integer(attempt.job), .integer(attempt.range ?? 0)])
        }
      }
      for job in Set(attempts.map(\.job)) { try refreshJob(conn, UInt64(job)) }
      return true
    }
  }

  public func rewind(job: UInt64, partition: Int, to stage: Stage) throws {
    try db.transaction { conn in
      do {
        try transition(conn, .partition(partition, of: job, stage), .rewind(to: stage))
      } catch let refused as TaskState.IllegalTransition {
        throw LedgerError.notRunnable(
          task: TaskRef.partition(partition, of: job, stage).description,
          status: "\(refused.from.status.rawValue) at \(refused.from.stage.rawValue)")
      }
    }
  }
}
