import LedgerStorage

extension PostgresWorkflowLedger {
  private static let jobColumns = """
    seq, stage, status, attempts, next_attempt_at, last_error, last_error_kind, input_bytes,
    events, rejects, keys, duplicates, lines_applied, artifacts_written, bytes_written, created_at,
    partitions, blank_lines
    """

  private static func jobRecord(_ r: PGRow) throws -> JobRecord {
    var counts = JobCounts()
    counts.inputBytes = try r.int64(7)
    counts.events = try r.int64(8)
    counts.rejects = try r.int64(9)
    counts.keys = try r.int64(10)
    counts.duplicates = try r.int64(11)
    counts.linesApplied = try r.int64(12)
    counts.artifactsWritten = try r.int64(13)
    counts.bytesWritten = try r.int64(14)
    counts.blankLines = try r.int64(17)
    let state = try taskState(r, at: 1, table: "jobs")
    var record = JobRecord(
      seq: UInt64(try r.int64(0)), inputs: [], stage: state.stage, status: state.status, attempts: state.attempts,
      nextAttemptAt: state.nextAttemptAt, lastError: state.lastError, lastErrorKind: state.lastErrorKind,
      counts: counts, timings: [:], createdAt: try r.int64(15))
    record.partitions = try r.int(16)
    return record
  }

  /// Jobs matching `clause`, with their inputs and stage timings, read from one snapshot.
  private func jobs(where clause: String, _ values: [PGValue]) throws -> [JobRecord] {
    try db.readTransaction { session in
      var jobs = try session.query("SELECT \(Self.jobColumns) FROM jobs \(clause)", values).map(Self.jobRecord)
      guard let lo = jobs.map(\.seq).min(), let hi = jobs.map(\.seq).max() else { return jobs }
      var index: [UInt64: Int] = [:]
      for (i, job) in jobs.enumerated() { index[job.seq] = i }
      for row in try session.query(
        "SELECT job, id FROM input_batches WHERE job BETWEEN $1 AND $2 ORDER BY id", [.int(Int64(lo)), .int(Int64(hi))])
      {
        if let i = index[UInt64(try row.int64(0))] { jobs[i].inputs.append(try row.int64(1)) }
      }
      // Per (job, stage, partition) totals; `StageTiming.combining` makes the stage's time.
      var perPartition: [UInt64: [Stage: [TaskRunTotals]]] = [:]
      for row in try session.query(
        """
        SELECT job, stage, MIN(started_at), MAX(ended_at), COUNT(*),
          SUM(CASE WHEN ended_at IS NOT NULL THEN ended_at - started_at END)::BIGINT FROM stage_runs
        WHERE job BETWEEN $1 AND $2 GROUP BY job, stage, partition_no
        """, [.int(Int64(lo)), .int(Int64(hi))])
      {
        guard let stage = Stage(rawValue: try row.text(1)) else { continue }
        perPartition[UInt64(try row.int64(0)), default: [:]][stage, default: []].append(
          TaskRunTotals(
            start: try row.optionalInt64(2), end: try row.optionalInt64(3), runs: try row.int(4),
            working: try row.optionalInt64(5)))
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
    // Sequence numbers are stored as BIGINT: one above Int64.max names no job.
    guard seq <= UInt64(Int64.max) else { return nil }
    return try jobs(where: "WHERE seq = $1", [.int(Int64(seq))]).first
  }

  public func unfinishedJobs() throws -> [JobRecord] {
    try jobs(where: "WHERE status <> 'done' ORDER BY seq", [])
  }

  public func recentJobs(limit: Int) throws -> [JobRecord] {
    let maxSeq = try db.withSession { try $0.scalarInt64("SELECT MAX(seq) FROM jobs") } ?? 0
    return try jobs(where: "WHERE seq > $1 ORDER BY seq", [.int(max(0, maxSeq - Int64(limit)))])
  }

  private static let taskColumns = "stage, status, attempts, next_attempt_at, last_error, last_error_kind"

  /// A task state from `taskColumns` starting at column `c`.
  private static func taskState(_ r: PGRow, at c: Int, table: String) throws -> TaskState {
    let stageText = try r.text(c)
    let statusText = try r.text(c + 1)
    guard let stage = Stage(rawValue: stageText) else {
      throw LedgerError.badValue(column: "\(table).stage", value: stageText)
    }
    guard let status = JobStatus(rawValue: statusText) else {
      throw LedgerError.badValue(column: "\(table).status", value: statusText)
    }
    return TaskState(
      stage: stage, status: status, attempts: try r.int(c + 2), nextAttemptAt: try r.optionalInt64(c + 3),
      lastError: try r.optionalBytes(c + 4),
      lastErrorKind: try r.optionalText(c + 5).flatMap(FailureKind.init(rawValue:))
    )
  }

  private func partitionTasks(_ session: PGSession, where clause: String, _ values: [PGValue]) throws
    -> [PartitionTaskRecord]
  {
    try session.query(
      "SELECT job, partition_no, \(Self.taskColumns) FROM partition_tasks \(clause) ORDER BY job, partition_no", values
    ).map { r in
      PartitionTaskRecord(
        job: UInt64(try r.int64(0)), partition: try r.int(1),
        state: try Self.taskState(r, at: 2, table: "partition_tasks"))
    }
  }

  public func partitionTasks(job: UInt64) throws -> [PartitionTaskRecord] {
    try db.withSession { try partitionTasks($0, where: "WHERE job = $1", [.int(Int64(job))]) }
  }

  public func unfinishedPartitionTasks() throws -> [PartitionTaskRecord] {
    try db.withSession { try partitionTasks($0, where: "WHERE status <> 'done'", []) }
  }

  private func reduceRanges(_ session: PGSession, where clause: String, _ values: [PGValue]) throws
    -> [ReduceRangeRecord]
  {
    try session.query(
      """
      SELECT job, range_no, \(Self.taskColumns), input_bytes, events, rejects, keys, blank_lines,
        input_first, input_last, input, byte_from, byte_to, first_line, sha256
      FROM reduce_ranges \(clause) ORDER BY job, range_no
      """, values
    ).map { r in
      var counts = JobCounts()
      counts.inputBytes = try r.int64(8)
      counts.events = try r.int64(9)
      counts.rejects = try r.int64(10)
      counts.keys = try r.int64(11)
      counts.blankLines = try r.int64(12)
      var extent: RangeExtent?
      if let first = try r.optionalInt64(13) {
        extent = .inputs(first: first, last: try r.int64(14))
      } else if let input = try r.optionalInt64(15) {
        extent = .segment(
          input: input,
          InputSegment(
            byteFrom: try r.int64(16), byteTo: try r.int64(17), firstLine: try r.int64(18), sha256: try r.text(19)))
      }
      return ReduceRangeRecord(
        job: UInt64(try r.int64(0)), range: try r.int(1), state: try Self.taskState(r, at: 2, table: "reduce_ranges"),
        counts: counts, extent: extent)
    }
  }

  public func reduceRanges(job: UInt64) throws -> [ReduceRangeRecord] {
    try db.withSession { try reduceRanges($0, where: "WHERE job = $1", [.int(Int64(job))]) }
  }

  public func unfinishedReduceRanges() throws -> [ReduceRangeRecord] {
    try db.withSession { try reduceRanges($0, where: "WHERE status <> 'done'", []) }
  }

  /// The state of `task`'s row, locked for the rest of the transaction: the job's row and then
  /// the range's (reduce) or the partition's (always in that order, so transitions of one job
  /// never deadlock, and the aggregate is written from a current view).
  /// With `skippingLocked`, a job row another transaction holds is not waited for: it counts as
  /// missing (``LedgerError/unknownJob(_:)``); a row this transaction holds is returned again.
  private func lockedState(_ session: PGSession, of task: TaskRef, skippingLocked: Bool = false) throws -> TaskState {
    let job = try session.query(
      "SELECT \(Self.taskColumns) FROM jobs WHERE seq = $1 FOR UPDATE\(skippingLocked ? " SKIP LOCKED" : "")",
      [.int(Int64(task.job))]
    ).first
    guard job != nil else { throw LedgerError.unknownJob(task.job) }
    guard let p = task.partition else {
      let k = task.range ?? 0
      guard
        let row = try session.query(
          "SELECT \(Self.taskColumns) FROM reduce_ranges WHERE job = $1 AND range_no = $2 FOR UPDATE",
          [.int(Int64(task.job)), .int(Int64(k))]
        ).first
      else { throw LedgerError.unknownRange(job: task.job, range: k) }
      return try Self.taskState(row, at: 0, table: "reduce_ranges")
    }
    guard
      let row = try session.query(
        "SELECT \(Self.taskColumns) FROM partition_tasks WHERE job = $1 AND partition_no = $2 FOR UPDATE",
        [.int(Int64(task.job)), .int(Int64(p))]
      ).first
    else { throw LedgerError.unknownPartition(job: task.job, partition: p) }
    return try Self.taskState(row, at: 0, table: "partition_tasks")
  }

  private static func values(_ t: TaskState) -> [PGValue] {
    [
      .text(t.stage.rawValue), .text(t.status.rawValue), .int(Int64(t.attempts)), .int(t.nextAttemptAt),
      .bytes(t.lastError), .text(t.lastErrorKind?.rawValue),
    ]
  }

  private static let setTask =
    "stage = $1, status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, last_error_kind = $6"

  /// Writes `state` to `task`'s row and refreshes its job's aggregate.
  private func write(_ session: PGSession, _ state: TaskState, to task: TaskRef) throws {
    if let p = task.partition {
      try session.execute(
        "UPDATE partition_tasks SET \(Self.setTask) WHERE job = $7 AND partition_no = $8",
        Self.values(state) + [.int(Int64(task.job)), .int(Int64(p))])
    } else {
      try session.execute(
        "UPDATE reduce_ranges SET \(Self.setTask) WHERE job = $7 AND range_no = $8",
        Self.values(state) + [.int(Int64(task.job)), .int(Int64(task.range ?? 0))])
    }
    try refreshJob(session, task.job)
  }

  /// The job's row shows the aggregate of its partitions, or of its ranges before it has any.
  /// Callers hold the job's row lock.
  private func refreshJob(_ session: PGSession, _ job: UInt64) throws {
    let states = try partitionTasks(session, where: "WHERE job = $1", [.int(Int64(job))]).map(\.state)
    let aggregate: TaskState
    if states.isEmpty {
      let ranges = try reduceRanges(session, where: "WHERE job = $1", [.int(Int64(job))]).map(\.state)
      guard !ranges.isEmpty else { return }
      aggregate = TaskState.reducing(ranges)
    } else {
      aggregate = TaskState.aggregate(states)
    }
    try session.execute(
      "UPDATE jobs SET \(Self.setTask) WHERE seq = $7", Self.values(aggregate) + [.int(Int64(job))])
  }

  /// Applies `event` to `task` under the shared lifecycle rules; returns the new state.
  @discardableResult
  private func transition(_ session: PGSession, _ task: TaskRef, _ event: TaskState.Event) throws -> TaskState {
    let next = try lockedState(session, of: task).applying(event, to: task)
    try write(session, next, to: task)
    return next
  }

  public func beginTask(_ task: TaskRef, at now: Int64, by process: Int64?) throws -> Int {
    try db.transaction { session in
      try Self.requireRunning(process, session)
      let current = try lockedState(session, of: task)
      guard let attempt = try begin(session, task, from: current, at: now, by: process) else {
        throw LedgerError.notRunnable(
          task: task.description, status: "\(current.status.rawValue) at \(current.stage.rawValue)")
      }
      return attempt
    }
  }

  /// Tries the candidates in order inside one transaction, each job's row taken with
  /// `FOR UPDATE SKIP LOCKED`: a job whose row another process holds (it is claiming or
  /// finishing one of its tasks) is skipped with all its candidates, never waited for. Rows are
  /// taken in the order every transition takes them (the job's, then the partition's), so a
  /// claim never deadlocks with one.
  public func beginFirstTask(of candidates: [TaskRef], at now: Int64, by process: Int64?) throws -> (
    task: TaskRef, attempt: Int
  )? {
    guard !candidates.isEmpty else { return nil }
    return try db.transaction { session -> (task: TaskRef, attempt: Int)? in
      try Self.requireRunning(process, session)
      var busy: Set<UInt64> = []
      for task in candidates where !busy.contains(task.job) {
        let current: TaskState
        do {
          current = try lockedState(session, of: task, skippingLocked: true)
        } catch LedgerError.unknownJob {
          busy.insert(task.job)
          continue
        } catch LedgerError.unknownPartition, LedgerError.unknownRange {
          continue
        }
        if let attempt = try begin(session, task, from: current, at: now, by: process) {
          return (task, attempt)
        }
      }
      return nil
    }
  }

  /// The process's row first (as `expireProcess` takes it): an ended process begins nothing, and
  /// an expiry waits for a claim under way, so it interrupts that attempt too.
  private static func requireRunning(_ process: Int64?, _ session: PGSession) throws {
    guard let process else { return }
    if try session.scalarInt64(
      "SELECT 1 FROM processes WHERE id = $1 AND stopped_at IS NULL FOR SHARE", [.int(process)]) == nil
    {
      throw LedgerError.processEnded(process)
    }
  }

  /// Marks `task`, found in state `current` (its rows locked), running as its next attempt and
  /// records the attempt; nil when `current` cannot begin at `task.stage`.
  private func begin(_ session: PGSession, _ task: TaskRef, from current: TaskState, at now: Int64, by process: Int64?)
    throws -> Int?
  {
    guard let next = try? current.applying(.begin(task.stage), to: task) else { return nil }
    try write(session, next, to: task)
    try session.execute(
      """
      INSERT INTO stage_runs (job, stage, partition_no, range_no, attempt, started_at, process)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      """,
      [
        .int(Int64(task.job)), .text(task.stage.rawValue), .int(task.partition.map { Int64($0) }),
        .int(task.range.map { Int64($0) }), .int(Int64(next.attempts)), .int(now), .int(process),
      ])
    return next.attempts
  }

  /// What a refused outcome throws.
  private static func notRunning(_ task: TaskRef) -> LedgerError {
    .notRunning(
      job: task.job, stage: task.partition.map { "partition \($0) \(task.stage.rawValue)" } ?? task.stage.rawValue)
  }

  public func completeTask(_ task: TaskRef, attempt: Int, counts: JobCounts, at now: Int64) throws {
    try db.transaction { session in
      do {
        try transition(session, task, .succeed(task.stage, attempt: attempt))
      } catch is TaskState.IllegalTransition {
        throw Self.notRunning(task)
      }
      try endRun(session, task: task, outcome: "ok", error: nil, next: nil, now: now)
      if task.partition == nil {
        try session.execute(
          """
          UPDATE reduce_ranges SET input_bytes = $3, events = $4, rejects = $5, keys = $6, blank_lines = $7
          WHERE job = $1 AND range_no = $2
          """,
          [
            .int(Int64(task.job)), .int(Int64(task.range ?? 0)), .int(counts.inputBytes), .int(counts.events),
            .int(counts.rejects), .int(counts.keys), .int(counts.blankLines),
          ])
        let ranges = try reduceRanges(session, where: "WHERE job = $1", [.int(Int64(task.job))])
        guard ranges.allSatisfy({ $0.state.status == .done }) else { return }
        try mergeCounts(
          session, job: task.job, counts: JobCounts.summing(ranges.map(\.counts)), add: false, all: true)
        let partitions =
          try session.scalarInt64("SELECT partitions FROM jobs WHERE seq = $1", [.int(Int64(task.job))]) ?? 1
        try session.execute(
          """
          INSERT INTO partition_tasks (job, partition_no, stage, status)
          SELECT $1, p, 'prefetch', 'pending' FROM generate_series(0, $2::BIGINT - 1) AS p
          """, [.int(Int64(task.job)), .int(max(1, partitions))])
        try refreshJob(session, task.job)
      } else {
        try mergeCounts(session, job: task.job, counts: counts, add: true)
      }
    }
  }

  /// A partition's counts are added to the job's; reduce's (`all`) replace every field: a batch
  /// run again from reduce (an input set aside) starts its counts over, its partitions' included.
  private func mergeCounts(_ session: PGSession, job: UInt64, counts: JobCounts, add: Bool, all: Bool = false)
    throws
  {
    let fields: [(String, Int64)] = [
      ("input_bytes", counts.inputBytes), ("events", counts.events), ("rejects", counts.rejects),
      ("keys", counts.keys), ("duplicates", counts.duplicates),
      ("lines_applied", counts.linesApplied), ("artifacts_written", counts.artifactsWritten),
      ("bytes_written", counts.bytesWritten), ("blank_lines", counts.blankLines),
    ].filter { $0.1 != 0 || all }
    guard !fields.isEmpty else { return }
    let assignments = fields.enumerated().map { n, field in
      "\(field.0) = \(add ? "\(field.0) + " : "")$\(n + 2)"
    }
    try session.execute(
      "UPDATE jobs SET \(assignments.joined(separator: ", ")) WHERE seq = $1",
      [.int(Int64(job))] + fields.map { .int($0.1) })
  }

  private func endRun(
    _ session: PGSession, task: TaskRef, outcome: String, error: String?, next: Int64?, now: Int64
  ) throws {
    try session.execute(
      """
      UPDATE stage_runs SET ended_at = $1, outcome = $2, error = $3, next_attempt_at = $4
      WHERE id = (SELECT MAX(id) FROM stage_runs WHERE job = $5 AND stage = $6
        AND partition_no IS NOT DISTINCT FROM $7::BIGINT AND range_no IS NOT DISTINCT FROM $8::BIGINT)
      """,
      [
        .int(now), .text(outcome), .bytes(error), .int(next), .int(Int64(task.job)), .text(task.stage.rawValue),
        .int(task.partition.map { Int64($0) }), .int(task.range.map { Int64($0) }),
      ])
  }

  public func failTask(
    _ task: TaskRef, attempt: Int, kind: FailureKind, message: String, nextAttemptAt: Int64?,
    at now: Int64
  ) throws {
    try db.transaction { session in
      do {
        try transition(
          session, task, .fail(task.stage, attempt: attempt, kind: kind, message: message, retryAt: nextAttemptAt))
      } catch is TaskState.IllegalTransition {
        throw Self.notRunning(task)
      }
      try endRun(session, task: task, outcome: kind.rawValue, error: message, next: nextAttemptAt, now: now)
    }
  }

  public func retry(job: UInt64, at now: Int64) throws -> Bool {
    try db.transaction { session in
      guard try session.scalarInt64("SELECT 1 FROM jobs WHERE seq = $1 FOR UPDATE", [.int(Int64(job))]) != nil else {
        return false
      }
      // The job's row lock covers its ranges and partitions: every transition takes it first.
      let partitions = try partitionTasks(session, where: "WHERE job = $1", [.int(Int64(job))])
      var any = false
      if partitions.isEmpty {
        for range in try reduceRanges(session, where: "WHERE job = $1", [.int(Int64(job))])
        where range.state.status == .failed || range.state.status == .retrying {
          try transition(session, range.task, .operatorRetry)
          any = true
        }
        return any
      }
      for task in partitions where task.state.status == .failed || task.state.status == .retrying {
        try transition(session, task.task, .operatorRetry)
        any = true
      }
      return any
    }
  }

  public func resetInterruptedStages(at now: Int64) throws {
    try db.transaction { session in
      // Job rows first, as every transition takes them, then their ranges and partitions.
      let open = try session.query(
        """
        SELECT seq FROM jobs WHERE seq IN (SELECT job FROM partition_tasks WHERE status <> 'done'
          UNION SELECT job FROM reduce_ranges WHERE status <> 'done')
        ORDER BY seq FOR UPDATE
        """
      ).map { UInt64(try $0.int64(0)) }
      try session.execute(
        """
        UPDATE stage_runs SET ended_at = $1, outcome = 'interrupted',
          error = convert_to('the engine stopped during this attempt', 'UTF8')
        WHERE ended_at IS NULL
        """, [.int(now)])
      try session.execute("UPDATE partition_tasks SET status = 'pending' WHERE status = 'running'")
      try session.execute("UPDATE reduce_ranges SET status = 'pending' WHERE status = 'running'")
      try session.execute("UPDATE jobs SET status = 'pending' WHERE status = 'running'")
      for job in open { try refreshJob(session, job) }
    }
  }

  public func expireProcess(_ id: Int64, silentBefore: Int64, note: String, at now: Int64) throws -> Bool {
    try db.transaction { session in
      guard
        try session.scalarInt64(
          "SELECT 1 FROM processes WHERE id = $1 AND stopped_at IS NULL AND heartbeat_at < $2 FOR UPDATE",
          [.int(id), .int(silentBefore)]) != nil
      else { return false }
      let attempts = try session.query(
        "SELECT job, stage, partition_no, range_no FROM stage_runs WHERE ended_at IS NULL AND process = $1",
        [.int(id)]
      ).map {
        (
          job: try $0.int64(0), stage: try $0.text(1), partition: try $0.optionalInt64(2),
          range: try $0.optionalInt64(3)
        )
      }
      // Job rows first, in order, as every transition takes them; then their partitions.
      for job in Set(attempts.map(\.job)).sorted() {
        _ = try session.query("SELECT 1 FROM jobs WHERE seq = $1 FOR UPDATE", [.int(job)])
      }
      try session.execute(
        "UPDATE processes SET stopped_at = $1, end_note = $2 WHERE id = $3", [.int(now), .bytes(note), .int(id)])
      try session.execute(
        """
        UPDATE stage_runs SET ended_at = $1, outcome = 'interrupted', error = $2
        WHERE ended_at IS NULL AND process = $3
        """, [.int(now), .bytes("the process running this attempt was found gone: \(note)"), .int(id)])
      for attempt in attempts {
        if let p = attempt.partition {
          try session.execute(
            """
            UPDATE partition_tasks SET status = 'pending'
            WHERE job = $1 AND partition_no = $2 AND stage = $3 AND status = 'running'
            """, [.int(attempt.job), .int(p), .text(attempt.stage)])
        } else if attempt.stage == Stage.reduce.rawValue {
          try session.execute(
            "UPDATE reduce_ranges SET status = 'pending' WHERE job = $1 AND range_no = $2 AND status = 'running'",
            [.int(attempt.job), .int(attempt.range ?? 0)])
        }
      }
      for job in Set(attempts.map(\.job)) { try refreshJob(session, UInt64(job)) }
      return true
    }
  }

  public func rewind(job: UInt64, partition: Int, to stage: Stage) throws {
    try db.transaction { session in
      do {
        try transition(session, .partition(partition, of: job, stage), .rewind(to: stage))
      } catch let refused as TaskState.IllegalTransition {
        throw LedgerError.notRunnable(
          task: TaskRef.partition(partition, of: job, stage).description,
          status: "\(refused.from.status.rawValue) at \(refused.from.stage.rawValue)")
      }
    }
  }
}
